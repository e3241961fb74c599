package dev.viasock.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution, installed the way a user installs it: viasock-VERSION.tar.gz unpacked under a prefix
 * whose path is long and has spaces, its launcher reached through a chain of symbolic links from another
 * directory, and called from a directory whose name has spaces. Nothing of the build tree is involved.
 */
class DistributionIT {
  private static final String VERSION = System.getProperty("viasock.version");

  @TempDir static Path temp;

  static Path unpacked;
  static Path link;
  static Path caller;
  static Map<String, String> environment;

  @BeforeAll
  static void unpackAndLink() throws Exception {
    Path archive = Path.of(System.getProperty("viasock.distribution"));
    assertThat(archive).as("the build writes the distribution").isRegularFile();
    Path prefix = temp.resolve("a prefix with spaces")
        .resolve("and a long path " + "x".repeat(60))
        .resolve("x".repeat(80))
        .resolve("lib");
    Files.createDirectories(prefix);
    Processes.run(List.of("tar", "-xzf", archive.toString(), "-C", prefix.toString()), temp, Map.of()).assertOk();
    unpacked = prefix.resolve("viasock-" + VERSION);

    // links two/viasock -> (relative) ../links one/viasock -> (absolute) the unpacked bin/viasock
    Path first = Files.createDirectories(temp.resolve("links one")).resolve("viasock");
    Files.createSymbolicLink(first, unpacked.resolve("bin/viasock"));
    link = Files.createDirectories(temp.resolve("links two")).resolve("viasock");
    Files.createSymbolicLink(link, Path.of("../links one/viasock"));

    caller = Files.createDirectories(temp.resolve("a caller's directory with spaces"));
    Path home = Files.createDirectories(temp.resolve("home"));
    Path state = Files.createDirectory(temp.resolve("s"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    environment = Map.of(
        "PATH", link.getParent() + ":" + System.getenv("PATH"),
        "HOME", home.toString(),
        "VIASOCK_DIR", state.toString(),
        "XDG_CACHE_HOME", "");
  }

  @AfterAll
  static void stopEveryServer() throws Exception {
    if (link != null) {
      viasock("stop", "--all").assertOk();
      assertThat(viasock("list").stdout()).isEqualTo("no servers running\n");
    }
  }

  /** {@code viasock ARGS} as a shell finds it on PATH: through the chain of links, from the caller's directory. */
  private static Processes.Result viasock(String... args) throws Exception {
    return viasockWith(Map.of(), "", args);
  }

  private static Processes.Result viasockWith(Map<String, String> extra, String input, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "viasock \"$@\"", "sh"));
    command.addAll(List.of(args));
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.putAll(extra);
    return Processes.run(command, caller, env, input);
  }

  @Test
  void aCallThroughTheLinkedLauncherAnswersByteForByte() throws Exception {
    String input = "héllo wörld\nsecond line\n";
    Processes.Result first = viasockWith(Map.of(), input, "run", "-W", "20", "cat");
    first.assertOk();
    assertThat(first.stdout()).isEqualTo(input);

    Processes.Result second = viasockWith(Map.of(), input, "run", "-W", "20", "cat");
    second.assertOk();
    assertThat(second.stdout()).isEqualTo(input);
  }

  @Test
  void theFirstRunMakesTheClassDataArchiveWhereItIsInstalledNotShippedStale() throws Exception {
    try (Stream<Path> files = Files.walk(unpacked)) {
      assertThat(files.filter(file -> file.toString().endsWith(".jsa"))).as("archives shipped").isEmpty();
    }
    // The archive is the JVM client's ('run' is served by the native client when it was built).
    viasockWith(Map.of("VIASOCK_CLIENT", "jvm"), "x\n", "run", "-W", "20", "cat").assertOk();
    Path cache = temp.resolve("home/.cache/viasock");
    try (Stream<Path> files = Files.list(cache)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .as("the archive of this install and this java")
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .startsWith("client-").endsWith(".jsa");
    }
    // With -Xshare:on a JVM that cannot map its archives refuses to start: so this call ran with it.
    Processes.Result mapped =
        viasockWith(Map.of("VIASOCK_CLIENT_JAVA_OPTIONS", "-Xshare:on", "VIASOCK_CLIENT", "jvm"), "y\n", "run", "-W", "20",
            "cat");
    mapped.assertOk();
    assertThat(mapped.stdout()).isEqualTo("y\n");
    assertThat(viasock("doctor").stdout()).containsPattern("ok +client class-data archive .*\\.jsa\n");
  }

  @Test
  void theCommandIsTheNativeClientWhenTheBuildMadeOne() throws Exception {
    Path built = Path.of(System.getProperty("viasock.buildTree"), "viasock-cli/target/native/viasock-client");
    assumeTrue(Files.isExecutable(built), "the build made no native client (no C compiler)");
    byte[] command = Files.readAllBytes(unpacked.resolve("bin/viasock"));
    assertThat(java.util.Arrays.copyOf(command, 4)).as("bin/viasock is an executable, not a script")
        .isEqualTo(new byte[] {0x7f, 'E', 'L', 'F'});
    assertThat(unpacked.resolve("libexec/viasock-launcher")).isExecutable().content(UTF_8).startsWith("#!/bin/sh\n");

    // A warm 'run' needs no java: the native client serves it. Every other subcommand goes to the launcher,
    // and so does 'run' with VIASOCK_CLIENT=jvm: they fail for want of a java.
    String input = "one\ntwo\n";
    viasockWith(Map.of(), input, "run", "-W", "20", "cat").assertOk();
    Map<String, String> noJava = Map.of("VIASOCK_JAVA", temp.resolve("no java here").toString(),
        "XDG_CACHE_HOME", temp.resolve("cache without java").toString());
    Processes.Result served = viasockWith(noJava, input, "run", "-W", "20", "cat");
    served.assertOk();
    assertThat(served.stdout()).isEqualTo(input);
    for (Processes.Result launched : List.of(viasockWith(noJava, "", "--version"),
        viasockWith(withJvmClient(noJava), input, "run", "-W", "20", "cat"))) {
      assertThat(launched.status()).as(launched.toString()).isNotZero();
      assertThat(launched.stderr()).as(launched.toString()).contains("no java here");
    }
  }

  private static Map<String, String> withJvmClient(Map<String, String> environment) {
    Map<String, String> jvm = new java.util.HashMap<>(environment);
    jvm.put("VIASOCK_CLIENT", "jvm");
    return jvm;
  }

  @Test
  void aLauncherLeftOverFromAnEarlierUnpackingIsNotTakenForTheNativeClient() throws Exception {
    assumeTrue(Files.isRegularFile(unpacked.resolve("libexec/viasock-launcher")), "the build made no native client");
    // A build without a native client unpacked over one with it: bin/viasock is the launcher, and the old
    // libexec/viasock-launcher stays. 'run' must go to the JVM client, not from the launcher to itself.
    Path copy = temp.resolve("copy with a launcher left over");
    Processes.run(List.of("cp", "-R", unpacked.toString(), copy.toString()), temp, Map.of()).assertOk();
    Files.copy(copy.resolve("libexec/viasock-launcher"), copy.resolve("bin/viasock"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // Its JVM client's class-data archive goes to a cache of its own: the shared one holds this install's only.
    Map<String, String> ownCache = new java.util.HashMap<>(environment);
    ownCache.put("XDG_CACHE_HOME", temp.resolve("cache of the copy").toString());
    Processes.Result run = Processes.run(
        List.of(copy.resolve("bin/viasock").toString(), "run", "-W", "20", "sed", "-u", "s/o/0/"), caller, ownCache,
        "foo\n");
    run.assertOk();
    assertThat(run.stdout()).isEqualTo("f0o\n");
  }

  @Test
  void aRunOfTheNativeCommandStartsNoLauncher() throws Exception {
    assumeTrue(Files.isRegularFile(unpacked.resolve("libexec/viasock-launcher")), "the build made no native client");
    // A copy of the installation without its launcher: 'run' (cold, then warm) is served all the same;
    // anything else says what is missing.
    Path copy = temp.resolve("copy without launcher");
    Processes.run(List.of("cp", "-R", unpacked.toString(), copy.toString()), temp, Map.of()).assertOk();
    Files.delete(copy.resolve("libexec/viasock-launcher"));
    for (int call = 0; call < 2; call++) {
      Processes.Result run = Processes.run(
          List.of(copy.resolve("bin/viasock").toString(), "run", "-W", "20", "sed", "-u", "s/a/A/"),
          caller, environment, "abc\nxyz\n");
      run.assertOk();
      assertThat(run.stdout()).isEqualTo("Abc\nxyz\n");
    }
    Processes.Result version =
        Processes.run(List.of(copy.resolve("bin/viasock").toString(), "--version"), caller, environment, "");
    assertThat(version.status()).as(version.toString()).isEqualTo(69);
    assertThat(version.stderr()).startsWith("viasock: cannot run the JVM client's launcher " + copy.toRealPath()
        + "/libexec/viasock-launcher: No such file or directory");
  }

  @Test
  void versionThroughTheLink() throws Exception {
    Processes.Result version = viasock("--version");
    version.assertOk();
    assertThat(version.stdout()).isEqualTo("viasock " + VERSION + "\n");
  }

  @Test
  void doctorFindsTheInstallAndNothingBlocking() throws Exception {
    Processes.Result doctor = viasock("doctor");
    assertThat(doctor.status()).as(doctor.toString()).isZero();
    assertThat(doctor.stdout())
        .contains(", from " + unpacked.toRealPath() + "\n")
        .containsPattern("ok +java ")
        .containsPattern("ok +state directory " + temp.resolve("s") + ": private to you")
        .containsPattern("(ok|WARN) +native client")
        .containsPattern("(ok|WARN) +pseudo-terminals")
        .contains("viasock doctor: nothing blocks viasock");
  }

  @Test
  void doctorFailsWhenTheStateDirectoryIsNotPrivate() throws Exception {
    Path open = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Processes.Result doctor = viasockWith(Map.of("VIASOCK_DIR", open.toString()), "", "doctor");
    assertThat(doctor.status()).as(doctor.toString()).isEqualTo(1);
    assertThat(doctor.stdout()).containsPattern("FAIL +state directory " + open + ": .*writable by others")
        .contains("fix: ");
  }

  @Test
  void doctorFailsWhenJavaIsMissing() throws Exception {
    Processes.Result doctor = viasockWith(Map.of("VIASOCK_JAVA", temp.resolve("no java here").toString()), "", "doctor");
    assertThat(doctor.status()).as(doctor.toString()).isEqualTo(1);
    assertThat(doctor.stdout()).contains("FAIL  java: ").contains("fix: install Java 17");
  }

  @Test
  void noTextFileNamesTheBuildTree() throws Exception {
    String buildTree = Path.of(System.getProperty("viasock.buildTree")).toRealPath().toString();
    List<Path> naming = new ArrayList<>();
    try (Stream<Path> files = Files.walk(unpacked)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        byte[] bytes = Files.readAllBytes(file);
        boolean text = !new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("\0");
        if (text && new String(bytes, UTF_8).contains(buildTree)) {
          naming.add(unpacked.relativize(file));
        }
      }
    }
    assertThat(naming).as("files naming " + buildTree).isEmpty();
  }

  @Test
  void theDistributionHoldsWhatAUserNeeds() {
    assertThat(unpacked.resolve("bin/viasock")).isExecutable();
    assertThat(unpacked.resolve("lib/viasock-cli.jar")).isRegularFile();
    assertThat(unpacked.resolve("lib/jvm-options.properties")).content(UTF_8).contains("\nclient=-", "\nserver=-");
    assertThat(unpacked.resolve("share/man/man1/viasock.1")).isRegularFile();
    assertThat(unpacked.resolve("share/bash-completion/completions/viasock")).isRegularFile();
    assertThat(unpacked.resolve("share/zsh/site-functions/_viasock")).isRegularFile();
    assertThat(unpacked.resolve("LICENSE")).content(UTF_8).contains("Apache License", "Version 2.0, January 2004");
    assertThat(unpacked.resolve("README.md")).isRegularFile();
    assertThat(unpacked.resolve("install")).isExecutable();
  }

  @Test
  void theManPageRendersWithoutWarnings() throws Exception {
    assumeTrue(Processes.onPath("man"), "man is not installed (.ci/run installs man-db)");
    Processes.Result man = Processes.run(
        List.of("man", "--warnings", "-l", unpacked.resolve("share/man/man1/viasock.1").toString()), caller,
        Map.of("MANPAGER", "cat", "MANWIDTH", "100", "PAGER", "cat"), "");
    man.assertOk();
    assertThat(man.stderr()).as("warnings").isEmpty();
    assertThat(man.stdout()).contains("NAME", "SYNOPSIS", "viasock doctor", "--input-terminator PATTERN",
        "EXIT STATUS", "ENVIRONMENT", "VIASOCK_DIR");
  }

  @Test
  void theBashCompletionLoadsAndCompletes() throws Exception {
    String script = "source \"$1\" && complete -p viasock >/dev/null || exit 3\n"
        + "complete_words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _viasock;"
        + " printf '%s\\n' \"${COMPREPLY[*]}\"; }\n"
        + "complete_words viasock do\n"
        + "complete_words viasock run -W 5 --input-t\n"
        + "complete_words viasock stop --al\n";
    Processes.Result bash = Processes.run(List.of("bash", "--norc", "-c", script, "bash",
        unpacked.resolve("share/bash-completion/completions/viasock").toString()), caller, Map.of(), "");
    bash.assertOk();
    assertThat(bash.stdout()).isEqualTo("doctor\n--input-terminator\n--all\n");
  }

  @Test
  void theZshCompletionLoads() throws Exception {
    assumeTrue(Processes.onPath("zsh"), "zsh is not installed (.ci/run installs it)");
    String script = "fpath=(\"$1\" $fpath); autoload -U compinit && compinit -u -D"
        + " && autoload +X _viasock && print -r -- $_comps[viasock]";
    Processes.Result zsh = Processes.run(List.of("zsh", "-f", "-c", script, "zsh",
        unpacked.resolve("share/zsh/site-functions").toString()), caller, Map.of(), "");
    zsh.assertOk();
    assertThat(zsh.stdout()).isEqualTo("_viasock\n");
  }

  @Test
  void theInstallScriptLinksAPrefixAndUninstallRemovesIt() throws Exception {
    Path prefix = temp.resolve("install prefix");
    Path install = unpacked.resolve("install");
    Processes.run(List.of(install.toString(), "--prefix", prefix.toString()), caller, environment, "").assertOk();
    assertThat(prefix.resolve("bin/viasock")).isSymbolicLink();
    assertThat(prefix.resolve("share/man/man1/viasock.1")).isSymbolicLink().exists();
    Processes.Result version = Processes.run(List.of(prefix.resolve("bin/viasock").toString(), "--version"), caller,
        environment, "");
    version.assertOk();
    assertThat(version.stdout()).isEqualTo("viasock " + VERSION + "\n");

    Processes.run(List.of(install.toString(), "--uninstall", "--prefix", prefix.toString()), caller, environment, "")
        .assertOk();
    assertThat(prefix.resolve("lib/viasock")).doesNotExist();
    assertThat(Files.exists(prefix.resolve("bin/viasock"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(prefix.resolve("share/man/man1/viasock.1"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .isFalse();
  }
}
