package dev.viasock.cli;

import static dev.viasock.cli.Probes.PYTHON;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The second line of defence: another user who can reach a server's socket (here, because the test opened
 * the directories and the socket to everyone) is still refused by the peer-credential check.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerCredentialsIT {
  static final int NOBODY = 65534;
  /** Connects, sends a HELLO, and says what came back: EOF, RESET, DATA or TIMEOUT. */
  static final String CONNECT =
      "import socket, sys\n"
          + "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
          + "s.settimeout(10)\n"
          + "s.connect(sys.argv[1])\n"
          + "try:\n"
          + "    s.sendall(b'H\\x00\\x00\\x00\\x08\\x00\\x00\\x00\\x01\\x00\\x00\\x00\\x00')\n"
          + "except OSError as e:\n"
          + "    print('send failed:', e.errno)\n"
          + "try:\n"
          + "    data = s.recv(100)\n"
          + "    print('EOF' if data == b'' else 'DATA %r' % data)\n"
          + "except ConnectionResetError:\n"
          + "    print('RESET')\n"
          + "except socket.timeout:\n"
          + "    print('TIMEOUT')\n";

  @RegisterExtension final Viasock viasock = new Viasock();

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(output(List.of("id", "-u")).equals("0\n"), "runs only as root (it runs a client as another user)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
    assumeTrue(output(List.of("id", "-u", "nobody")).equals(NOBODY + "\n"), "needs the user nobody (" + NOBODY + ")");
  }

  @Test
  void anotherUserWhoReachesTheSocketIsDroppedAndLogged() throws Exception {
    assertThat(viasock.run("a\n", "run", "cat").assertSucceeded().out()).isEqualTo("a\n");
    long server = viasock.servers().get(0).pid();
    Path socket = Probes.onlyFile(viasock.stateDir(), ".sock").orElseThrow();
    // Everyone may now reach the socket: only the server's own check stands in the way.
    Files.setPosixFilePermissions(viasock.root(), PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(viasock.stateDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));

    String answer = output(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
        PYTHON, "-c", CONNECT, socket.toString()));

    assertThat(answer).as("what user nobody got").doesNotContain("DATA").doesNotContain("TIMEOUT")
        .matches("(?s)(send failed: \\d+\n)?(EOF|RESET)\n");
    Probes.await(Duration.ofSeconds(5),
        () -> viasock.run(new byte[0], "log", "cat").out().contains("refused a connection from uid " + NOBODY),
        () -> "the log does not say it refused uid " + NOBODY + ":\n" + viasock.run(new byte[0], "log", "cat").out());
    assertThat(viasock.run("b\n", "run", "cat").assertSucceeded().out()).isEqualTo("b\n");
    assertThat(viasock.servers()).extracting(ProcessHandle::pid).containsExactly(server);
  }

  /** Runs a command (from /, which every user may enter) and gives its stdout; fails unless it exits 0. */
  private static String output(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).directory(Path.of("/").toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not end");
    }
    String text = new String(out, UTF_8);
    if (process.exitValue() != 0 && !command.get(0).equals("id")) {
      throw new AssertionError(command + " exited with " + process.exitValue() + ": " + text);
    }
    return text;
  }
}
