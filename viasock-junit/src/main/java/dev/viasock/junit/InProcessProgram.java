package dev.viasock.junit;

import dev.viasock.InProcessServer;
import dev.viasock.Serverizer;
import dev.viasock.Session;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The program kept by this JVM ({@link Serverizer#startInProcess()}): no background JVM, no socket. Closing
 * it stops its programs and checks that the processes it started, children of this JVM that run the
 * program, have ended.
 */
final class InProcessProgram implements Started {
  private final InProcessServer server;
  private final String programName;
  private final Set<Long> childrenBefore;

  private InProcessProgram(InProcessServer server, String programName, Set<Long> childrenBefore) {
    this.server = server;
    this.programName = programName;
    this.childrenBefore = childrenBefore;
  }

  static InProcessProgram start(Serverizer.Builder builder) {
    Serverizer serverizer = builder.build();
    Set<Long> before = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    return new InProcessProgram(serverizer.startInProcess(), serverizer.executable().getFileName().toString(), before);
  }

  @Override
  public void run(InputStream in, OutputStream out) {
    server.run(in, out);
  }

  @Override
  public Session openSession() {
    return server.openSession();
  }

  @Override
  public void close() {
    List<ProcessHandle> programs = ProcessHandle.current().children()
        .filter(child -> !childrenBefore.contains(child.pid()))
        .filter(child -> child.info().commandLine().map(line -> line.contains(programName)).orElse(false))
        .collect(Collectors.toList());
    server.close();
    LeftRunning.check(programs, "the program " + programName);
  }
}
