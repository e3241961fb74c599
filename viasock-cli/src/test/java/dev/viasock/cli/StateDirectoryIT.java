package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 12: sockets (and locks and logs) live in a private state directory: {@code $VIASOCK_DIR}, else
 * {@code $XDG_RUNTIME_DIR/viasock}; it is created with mode 0700 and each socket is 0600; the socket's path
 * does not depend on how deep the working directory is; a state directory that others could write to (or a
 * symbolic link, or not a directory) is refused with status 77.
 */
class StateDirectoryIT {
  @RegisterExtension final Viasock viasock = new Viasock();
  String program;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ $line\"; done\n");
  }

  @Test
  void theStateDirectoryIsCreatedPrivateAndTheSocketIsTheOwnersOnly() throws Exception {
    assertThat(viasock.stateDir()).doesNotExist();

    viasock.run("a\n", "run", program).assertSucceeded();

    assertPrivateWithOneSocket(viasock.stateDir());
  }

  @Test
  void anExistingPrivateStateDirectoryIsUsed() throws Exception {
    Files.createDirectory(viasock.stateDir(), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));

    viasock.run("a\n", "run", program).assertSucceeded();

    assertPrivateWithOneSocket(viasock.stateDir());
  }

  @Test
  void aWorkingDirectoryThreeHundredCharactersDeepStillWorks() throws Exception {
    Path deep = viasock.workDir();
    while (deep.toString().length() < 300) {
      deep = deep.resolve("a-rather-long-directory-name");
    }
    Files.createDirectories(deep);
    Files.copy(viasock.workDir().resolve("pid.sh"), deep.resolve("pid.sh"));
    assertThat(deep.toString().length()).isGreaterThanOrEqualTo(300);

    CliProcesses.Outcome first = CliProcesses.shell(deep, CliProcesses.environment(viasock),
        "printf 'a\\nb\\n' | \"$VIASOCK\" run ./pid.sh", Viasock.CALL_BOUND);
    CliProcesses.Outcome second = CliProcesses.shell(deep, CliProcesses.environment(viasock),
        "printf 'c\\n' | \"$VIASOCK\" run ./pid.sh", Viasock.CALL_BOUND);

    assertThat(first.exitStatus()).as("stderr: %s", first.stderr()).isZero();
    String pid = first.out().substring(0, first.out().indexOf(' '));
    assertThat(first.out()).isEqualTo(pid + " a\n" + pid + " b\n");
    assertThat(second.out()).as("the same program, reused").isEqualTo(pid + " c\n");
    Path socket = assertPrivateWithOneSocket(viasock.stateDir());
    assertThat(socket.toString().getBytes(UTF_8).length).as("the socket path's length").isLessThan(108);
  }

  @Test
  void withoutViasockDirTheStateDirectoryIsUnderXdgRuntimeDir() throws Exception {
    Path xdg = Files.createDirectory(viasock.root().resolve("xdg"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Map<String, String> environment = CliProcesses.environment(viasock);
    environment.put("VIASOCK_DIR", null);
    environment.put("XDG_RUNTIME_DIR", xdg.toString());

    CliProcesses.Outcome outcome = CliProcesses.shell(viasock.workDir(), environment,
        "printf 'a\\n' | \"$VIASOCK\" run ./pid.sh", Viasock.CALL_BOUND);

    assertThat(outcome.exitStatus()).as("stderr: %s", outcome.stderr()).isZero();
    assertThat(outcome.out()).endsWith(" a\n");
    assertPrivateWithOneSocket(xdg.resolve("viasock"));
    assertThat(viasock.stateDir()).doesNotExist();
  }

  @Test
  void anEmptyViasockDirCountsAsUnset() throws Exception {
    Path xdg = Files.createDirectory(viasock.root().resolve("xdg"));
    viasock.env("VIASOCK_DIR", "").env("XDG_RUNTIME_DIR", xdg.toString());

    viasock.run("a\n", "run", program).assertSucceeded();

    assertPrivateWithOneSocket(xdg.resolve("viasock"));
  }

  @Test
  void aGroupWritableStateDirectoryIsRefusedWith77() throws Exception {
    assertRefused(directoryWithMode("group-writable", "rwxrwx---"), "writable by others");
  }

  @Test
  void aWorldWritableStateDirectoryIsRefusedWith77() throws Exception {
    assertRefused(directoryWithMode("world-writable", "rwx---rwx"), "writable by others");
  }

  @Test
  void aGroupWritableViasockDirUnderXdgRuntimeDirIsRefusedWith77() throws Exception {
    Path xdg = Files.createDirectory(viasock.root().resolve("xdg"));
    Path state = Files.createDirectory(xdg.resolve("viasock"));
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxr-x"));
    viasock.env("VIASOCK_DIR", "").env("XDG_RUNTIME_DIR", xdg.toString());

    Viasock.Result result = viasock.run("a\n", "run", program);

    assertRefusal(result, state, "writable by others");
  }

  @Test
  void aSymbolicLinkAsStateDirectoryIsRefusedWith77() throws Exception {
    Path target = directoryWithMode("target", "rwx------");
    Path link = Files.createSymbolicLink(viasock.root().resolve("link"), target);

    assertRefused(link, "symbolic link");
  }

  @Test
  void aFileAsStateDirectoryIsRefusedWith77() throws Exception {
    Path file = Files.writeString(viasock.root().resolve("a-file"), "not a directory\n");

    assertRefused(file, "not a directory");
  }

  @Test
  void aStateDirectoryTooDeepForASocketPathFailsClearly() throws Exception {
    Path deep = viasock.root();
    while (deep.toString().length() < 120) {
      deep = deep.resolve("deeper-and-deeper");
    }
    viasock.env("VIASOCK_DIR", deep.toString());

    Viasock.Result result = viasock.run("a\n", "run", program);

    assertThat(result.exitStatus()).as("stderr: %s", result.stderr()).isEqualTo(69);
    assertThat(result.stderr()).startsWith("viasock: ").contains("too long").contains("VIASOCK_DIR");
    assertThat(viasock.servers()).isEmpty();
  }

  private Path directoryWithMode(String name, String mode) throws IOException {
    Path directory = Files.createDirectory(viasock.root().resolve(name));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
    return directory;
  }

  private void assertRefused(Path stateDirectory, String reason) throws Exception {
    viasock.env("VIASOCK_DIR", stateDirectory.toString());

    Viasock.Result result = viasock.run("a\n", "run", program);

    assertRefusal(result, stateDirectory, reason);
  }

  private void assertRefusal(Viasock.Result result, Path stateDirectory, String reason) throws Exception {
    assertThat(result.exitStatus()).as("exit status; stderr: %s", result.stderr()).isEqualTo(77);
    assertThat(result.out()).isEmpty();
    assertThat(result.stderr())
        .startsWith("viasock: ")
        .contains("refusing the state directory " + stateDirectory)
        .contains(reason);
    assertThat(viasock.servers()).as("servers").isEmpty();
    assertThat(viasock.awaitNoLeftovers(Duration.ZERO)).as("no process left").isTrue();
    if (Files.isDirectory(stateDirectory)) {
      try (Stream<Path> files = Files.list(stateDirectory)) {
        assertThat(files.toList()).as("files viasock left in the refused directory").isEmpty();
      }
    }
  }

  /** Checks the directory (0700, the user's) and its one socket (0600); returns the socket. */
  private Path assertPrivateWithOneSocket(Path directory) throws IOException {
    assertThat(Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)).as("%s is a directory", directory).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS)))
        .as("mode of %s", directory).isEqualTo("rwx------");
    assertThat(Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .as("owner of %s", directory)
        .isEqualTo(Files.getAttribute(viasock.root(), "unix:uid"));
    List<Path> sockets;
    try (Stream<Path> files = Files.list(directory)) {
      sockets = files.filter(file -> file.getFileName().toString().endsWith(".sock")).toList();
    }
    assertThat(sockets).as("sockets in %s", directory).hasSize(1);
    Path socket = sockets.get(0);
    assertThat(Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther())
        .as("%s is a socket", socket).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)))
        .as("mode of %s", socket).isEqualTo("rw-------");
    return socket;
  }
}
