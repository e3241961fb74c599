package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native client and the JVM client pick the same server: for a matrix of commands, options, environment
 * values and working directories, the key the native client computes ({@code viasock-client --key run ...})
 * is the one the JVM client derives (which {@code viasock log} names in its "no log yet" message), and what
 * the native client cannot compute exactly it hands to the JVM client.
 */
class ServerAddressConformanceIT {
  private static final Path NATIVE = Path.of(System.getProperty("viasock.native", "target/native/viasock-client"));
  private static final Path LAUNCHER = Path.of(System.getProperty("viasock.launcher", "../bin/viasock"));
  private static final Pattern LOG_KEY = Pattern.compile("/([0-9a-f]{20})\\.log\\)");

  @TempDir Path root;
  private Viasock viasock;
  private Path state;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Files.isExecutable(NATIVE), "the native client was not built (no C compiler)");
    // What it proves does not depend on the client the suite runs with: once is enough.
    assumeTrue(!"jvm".equals(System.getenv("VIASOCK_CLIENT")), "run with the native client's suite");
    viasock = new Viasock(root);
    state = Files.createDirectories(viasock.stateDir());
    Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (viasock != null) {
      viasock.close();
    }
  }

  @Test
  void bothClientsDeriveTheSameKeyForEveryCommandOptionEnvironmentAndDirectory() throws Exception {
    Path plain = viasock.workDir();
    Path spaced = Files.createDirectories(plain.resolve("a dir é/sub"));
    Path linked = Files.createSymbolicLink(plain.resolve("link"), spaced);
    for (Path directory : List.of(plain, spaced, linked)) {
      Path program = directory.resolve("prog");
      Files.writeString(program, "#!/bin/sh\ncat\n");
      program.toFile().setExecutable(true);
    }
    List<List<String>> commands =
        List.of(
            List.of("cat"),
            List.of("./prog"),
            List.of(".//./prog", "a b", "é", "", "--model=model.bin"),
            List.of("../sub/prog", "x"),
            List.of(spaced.resolve("prog").toString(), "-m", "model.bin"),
            List.of("sh", "-c", "cat"));
    List<List<String>> options =
        List.of(
            List.of(),
            List.of("-t", "^$"),
            List.of("-T^END$", "--input-terminator=x"),
            List.of("-P", "2"),
            List.of("--prelude-lines", "3"),
            List.of("-w", "1.5", "-W", "30"),
            List.of("-w", ".25", "-W", "0007"),
            List.of("--workers", "3"),
            List.of("--max-record-size", "64k", "-u"),
            List.of("--max-record-size=1G", "--unbuffered"),
            List.of("--watch", "models/", "--watch", "a//b", "--watch", "/abs"),
            List.of("--env", "VIASOCK_SET", "--env", "VIASOCK_EMPTY", "--env", "VIASOCK_UNSET"),
            List.of("--stderr"),
            List.of("--env", "VIASOCK_SET", "-t", "é", "--workers=2", "--"));
    List<Map<String, String>> environments =
        List.of(
            Map.of("VIASOCK_SET", "a", "VIASOCK_EMPTY", ""),
            Map.of("VIASOCK_SET", "é b", "VIASOCK_EMPTY", ""),
            Map.of("VIASOCK_SET", "a"));
    int compared = 0;
    for (Path directory : List.of(plain, spaced, linked)) {
      for (List<String> command : commands) {
        if (command.get(0).startsWith("../") && directory.equals(plain)) {
          continue; // no ../sub/prog from there
        }
        for (List<String> option : options) {
          Map<String, String> environment = environments.get(compared % environments.size());
          List<String> args = new ArrayList<>(option);
          args.addAll(command);
          String jvm = jvmKey(directory, environment, args);
          assertThat(nativeKey(directory, environment, args))
              .as("the native client's key for %s in %s with %s", args, directory, environment)
              .isEqualTo(jvm);
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(150);
    assertThat(nativeKey(plain, environments.get(0), List.of("-l", "my.log", "cat")))
        .as("the log is not part of the key")
        .isEqualTo(nativeKey(plain, environments.get(0), List.of("cat")));
  }

  @Test
  void whatTheNativeClientCannotComputeExactlyItHandsToTheJvmClient() throws Exception {
    Path directory = viasock.workDir();
    Map<String, String> environment = Map.of();
    for (List<String> args :
        List.<List<String>>of(
            List.of("--help"),
            List.of("--unknown-option", "cat"),
            List.of("-w", "1e3", "cat"),
            List.of("--workers", "65", "cat"),
            List.of("--env", "1BAD", "cat"),
            List.of("-P", "1", "--prelude-lines", "1", "cat"),
            List.of("--max-record-size", "0", "cat"),
            List.of("-ux", "cat"),
            List.of("--stderr=yes", "cat"),
            List.of("no-such-program-anywhere"),
            List.of())) {
      assertThat(nativeKey(directory, environment, args)).as("%s", args).isEqualTo("hand-off");
    }
    assertThat(nativeKey(directory, Map.of("LC_ALL", "C"), List.of("cat", "é")))
        .as("non-ASCII text in a locale that is not UTF-8")
        .isEqualTo("hand-off");
  }

  @Test
  void aServerTheJvmClientStartedServesTheNativeClientsCall() throws Exception {
    String script = viasock.script("pid", "#!/bin/sh\nwhile read l; do echo \"$$ $l\"; done\n");
    viasock.env("VIASOCK_CLIENT", "jvm");
    String first = viasock.run("a\n", "run", "-W", "60", script).assertSucceeded().out();
    viasock.env("VIASOCK_CLIENT", "native");
    String second = viasock.run("b\n", "run", "-W", "60", script).assertSucceeded().out();
    assertThat(second).isEqualTo(first.split(" ")[0] + " b\n");
    assertThat(viasock.servers()).hasSize(1);
  }

  private String nativeKey(Path directory, Map<String, String> environment, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(NATIVE.toString(), "--key", "run"));
    command.addAll(args);
    return exec(directory, environment, command).out.strip();
  }

  private String jvmKey(Path directory, Map<String, String> environment, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toAbsolutePath().toString(), "log"));
    command.addAll(args);
    Output output = exec(directory, environment, command);
    Matcher key = LOG_KEY.matcher(output.err);
    assertThat(key.find()).as("viasock log %s said: %s", args, output.err).isTrue();
    return key.group(1);
  }

  private record Output(String out, String err) {}

  private Output exec(Path directory, Map<String, String> environment, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().remove("VIASOCK_SET");
    builder.environment().remove("VIASOCK_EMPTY");
    builder.environment().remove("VIASOCK_UNSET");
    builder.environment().put("VIASOCK_DIR", state.toString());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<byte[]> out = Viasock.drain(process.getInputStream());
    CompletableFuture<byte[]> err = Viasock.drain(process.getErrorStream());
    assertThat(process.waitFor(Viasock.CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("%s ended", command).isTrue();
    return new Output(new String(out.get(10, TimeUnit.SECONDS), UTF_8), new String(err.get(10, TimeUnit.SECONDS), UTF_8));
  }

}
