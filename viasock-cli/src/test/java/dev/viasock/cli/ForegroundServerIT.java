package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code viasock server SOCKET ...} in the foreground, reached with {@code viasock client SOCKET}. */
class ForegroundServerIT {
  @RegisterExtension final Viasock viasock = new Viasock();
  Process server;

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.destroy();
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("server ends on SIGTERM").isTrue();
    }
  }

  private Path startServer(String... programAndOptions) throws Exception {
    Path socket = viasock.workDir().resolve("fg.sock");
    String[] args = new String[programAndOptions.length + 2];
    args[0] = "server";
    args[1] = socket.toString();
    System.arraycopy(programAndOptions, 0, args, 2, programAndOptions.length);
    server = viasock.start(args);
    BufferedReader log = new BufferedReader(new InputStreamReader(server.getErrorStream(), UTF_8));
    String line;
    while ((line = log.readLine()) != null && !line.contains("serving")) {
      // The server logs to stderr; it listens once it says it is serving.
    }
    assertThat(line).as("the server's first log line").contains("serving");
    Viasock.drain(server.getErrorStream());
    return socket;
  }

  @Test
  void clientStreamsThroughAForegroundServer() throws Exception {
    String program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n");
    Path socket = startServer(program);

    String first = viasock.run("a\nb\n", "client", socket.toString()).assertSucceeded().out();
    String second = viasock.run("c\n", "client", socket.toString()).assertSucceeded().out();

    String pid = first.substring(0, first.indexOf(' '));
    assertThat(first).isEqualTo(pid + " a\n" + pid + " b\n");
    assertThat(second).isEqualTo(pid + " c\n");
    assertThat(Files.getPosixFilePermissions(socket)).hasSize(2);
  }

  @Test
  void foregroundServerStopsWhenIdleAndRemovesItsSocket() throws Exception {
    Path socket = startServer("-W", "5", "cat");

    viasock.run("x\n", "client", socket.toString()).assertSucceeded();

    assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isZero();
    assertThat(socket).doesNotExist();
    server = null;
  }

  @Test
  void clientWithoutAServerFailsClearly() {
    Viasock.Result result = viasock.run("x\n", "client", viasock.workDir().resolve("none.sock").toString());

    assertThat(result.exitStatus()).isEqualTo(69);
    assertThat(result.stderr()).startsWith("viasock: no server listens on ");
  }

  @Test
  void secondServerOnALiveSocketFailsAndLeavesTheFirstServing() throws Exception {
    Path socket = startServer("cat");

    Viasock.Result second = viasock.run(new byte[0], "server", socket.toString(), "cat");

    assertThat(second.exitStatus()).isNotZero();
    assertThat(second.stderr()).startsWith("viasock: ");
    assertThat(viasock.run("still\n", "client", socket.toString()).assertSucceeded().out()).isEqualTo("still\n");
  }
}
