package dev.viasock.cli;

import static dev.viasock.cli.FakeServer.concat;
import static dev.viasock.cli.FakeServer.end;
import static dev.viasock.cli.FakeServer.frame;
import static dev.viasock.cli.FakeServer.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a client does with every answer a server may give, including those a real server never gives: each
 * case is a scripted server on the call's socket, and the client (the one this run of the suite uses, and
 * the native client built with AddressSanitizer and UndefinedBehaviorSanitizer when it was built) must end
 * with the documented status and message, at once, and without a sanitizer report.
 */
class ServerAnswersIT {
  private static final Path SANITIZED =
      Path.of(System.getProperty("viasock.native", "target/native/viasock-client") + "-sanitized");
  private static final Path LAUNCHER = Path.of(System.getProperty("viasock.launcher", "../bin/viasock"));
  private static final Pattern LOG_KEY = Pattern.compile("\\(([^()]*/([0-9a-f]{20})\\.log)\\)");
  private static final byte[] ACCEPT = frame('A', new byte[0]);

  @org.junit.jupiter.api.io.TempDir Path root;
  private Viasock viasock;
  private Path socket;
  private String log;

  @BeforeEach
  void setUp() throws Exception {
    viasock = new Viasock(root);
    Files.createDirectories(viasock.stateDir());
    Files.setPosixFilePermissions(viasock.stateDir(), PosixFilePermissions.fromString("rwx------"));
    Viasock.Result where = viasock.run("", "log", "cat");
    Matcher key = LOG_KEY.matcher(where.stderr());
    assertThat(key.find()).as("viasock log said: %s", where.stderr()).isTrue();
    log = key.group(1);
    socket = viasock.stateDir().resolve(key.group(2) + ".sock");
  }

  @AfterEach
  void tearDown() throws Exception {
    viasock.close();
  }

  static Stream<Arguments> answers() {
    return Stream.of(
        Arguments.of("an impossible frame length", concat(ACCEPT, header('O', Integer.MAX_VALUE)), 76,
            "viasock: the server's answer is malformed: frame of type 'O' has an impossible length 2147483647\n"
                + "(server log: LOG)\n"),
        Arguments.of("a length with the top bit set", concat(ACCEPT, header('O', -1)), 76,
            "viasock: the server's answer is malformed: frame of type 'O' has an impossible length 4294967295\n"
                + "(server log: LOG)\n"),
        Arguments.of("a stream cut in the middle of a frame",
            concat(ACCEPT, header('O', 10), "abc".getBytes(UTF_8)), 69,
            "viasock: the server stopped before it finished this call\n(server log: LOG)\n"),
        Arguments.of("a stream that ends without END", concat(ACCEPT, frame('O', "a\n".getBytes(UTF_8))), 69,
            "viasock: the server stopped before it finished this call\n(server log: LOG)\n"),
        Arguments.of("a frame out of place before ACCEPT", frame('Q', new byte[0]), 76,
            "viasock: the server sent an unexpected frame 'Q'\n(server log: LOG)\n"),
        Arguments.of("a client's frame after ACCEPT", concat(ACCEPT, frame('H', new byte[8])), 76,
            "viasock: the server sent an unexpected frame 'H'\n(server log: LOG)\n"),
        Arguments.of("an unprintable frame type", concat(ACCEPT, frame((char) 0xff, new byte[0])), 76,
            "viasock: the server sent an unexpected frame 0xff\n(server log: LOG)\n"),
        Arguments.of("an END too short for its status", concat(ACCEPT, frame('Z', new byte[2])), 76,
            "viasock: the server's answer is malformed: frame of type 'Z' is too short (2 bytes)\n"
                + "(server log: LOG)\n"),
        Arguments.of("an END with a failure", concat(ACCEPT, end(124, "viasock: it took too long")), 124,
            "viasock: it took too long\n(server log: LOG)\n"),
        Arguments.of("an END with a status no failure has", concat(ACCEPT, end(3, "viasock: odd")), 1,
            "viasock: odd\n(server log: LOG)\n"),
        Arguments.of("a refusal at the greeting", end(69, "viasock: the server speaks protocol 9"), 69,
            "viasock: the server speaks protocol 9\n(server log: LOG)\n"),
        Arguments.of("RETRY on every attempt", frame('R', new byte[0]), 69,
            "viasock: the server kept stopping as calls arrived (10 attempts) (log: LOG)\n"),
        Arguments.of("heartbeats, a prelude, output and success",
            concat(frame('K', new byte[0]), ACCEPT, frame('K', new byte[0]), frame('P', "p\n".getBytes(UTF_8)),
                frame('O', "o\n".getBytes(UTF_8)), frame('S', "e\n".getBytes(UTF_8)), end(0, "")), 0, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void everyAnswerEndsTheCallWithItsStatusAndMessage(String what, byte[] script, int status, String message)
      throws Exception {
    try (FakeServer server = FakeServer.listen(socket, script, Duration.ofSeconds(2))) {
      for (List<String> client : clients()) {
        Output output = call(client, List.of());
        assertThat(output.status).as("%s: exit status of %s; stderr: %s", what, client, output.err).isEqualTo(status);
        assertThat(output.err).as("%s: stderr of %s", what, client).isEqualTo(message.replace("LOG", log));
        if (status == 0) {
          assertThat(output.out).as("stdout").isEqualTo("p\no\n");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2})
  void aSilentServerIsGivenUpWithStatus70(int seconds) throws Exception {
    try (FakeServer server = FakeServer.listen(socket, new byte[0], Duration.ofSeconds(30))) {
      for (List<String> client : clients()) {
        long started = System.nanoTime();
        Output output = call(client, List.of("VIASOCK_SILENCE_SECONDS=" + seconds));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(output.status).as("exit status of %s; stderr: %s", client, output.err).isEqualTo(70);
        assertThat(output.err).isEqualTo("viasock: the server has not been heard from for " + seconds
            + " s (it is stopped, hung or overloaded); gave up\n(server log: " + log + ")\n");
        assertThat(took).as("time to give up").isGreaterThanOrEqualTo(Duration.ofSeconds(seconds))
            .isLessThan(Duration.ofSeconds(seconds + 15));
      }
    }
  }

  /** The launcher (with this run's client), and the sanitized native client when it was built. */
  private static List<List<String>> clients() {
    List<List<String>> clients = new ArrayList<>();
    clients.add(List.of(LAUNCHER.toAbsolutePath().toString(), "run", "cat"));
    if (Files.isExecutable(SANITIZED) && !"jvm".equals(System.getenv("VIASOCK_CLIENT"))) {
      clients.add(List.of(SANITIZED.toString(), LAUNCHER.toAbsolutePath().toString(), "run", "cat"));
    }
    return clients;
  }

  private record Output(int status, String out, String err) {}

  private Output call(List<String> command, List<String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(viasock.workDir().toFile());
    builder.environment().put("VIASOCK_DIR", viasock.stateDir().toString());
    builder.environment().put("ASAN_OPTIONS", "abort_on_error=0:exitcode=99");
    builder.environment().put("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=98");
    for (String variable : environment) {
      builder.environment().put(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));
    }
    Process process = builder.start();
    CompletableFuture<byte[]> out = Viasock.drain(process.getInputStream());
    CompletableFuture<byte[]> err = Viasock.drain(process.getErrorStream());
    try (var in = process.getOutputStream()) {
      in.write("x\n".getBytes(UTF_8));
    } catch (java.io.IOException e) {
      // The client may end before it reads its input.
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not end within 60 s");
    }
    return new Output(process.exitValue(), new String(out.get(10, TimeUnit.SECONDS), UTF_8),
        new String(err.get(10, TimeUnit.SECONDS), UTF_8));
  }
}
