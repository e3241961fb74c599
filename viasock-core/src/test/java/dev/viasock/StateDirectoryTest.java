package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateDirectoryTest {
  @TempDir Path temp;

  // --- ensurePrivate ----------------------------------------------------------------------------------

  @Test
  void aMissingDirectoryIsCreatedWithMode700() throws IOException {
    Path directory = temp.resolve("state");
    assertThat(StateDirectory.ensurePrivate(directory)).isEqualTo(directory);
    assertThat(directory).isDirectory();
    assertThat(mode(directory)).isEqualTo("rwx------");
  }

  @Test
  void missingParentsAreCreatedToo() throws IOException {
    Path directory = temp.resolve("run/user/viasock");
    StateDirectory.ensurePrivate(directory);
    assertThat(directory).isDirectory();
    assertThat(mode(directory)).isEqualTo("rwx------");
  }

  @Test
  void anExistingPrivateDirectoryIsUsedAsItIs() throws IOException {
    Path directory = Files.createDirectory(temp.resolve("state"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(directory.resolve("kept"), "x");
    assertThat(StateDirectory.ensurePrivate(directory)).isEqualTo(directory);
    assertThat(directory.resolve("kept")).hasContent("x");
    assertThat(StateDirectory.ensurePrivate(directory)).as("again").isEqualTo(directory);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rwxr-x---", "rwxr-xr-x", "rwx--x--x"})
  void aDirectoryOthersCanReadButNotWriteIsAccepted(String mode) throws IOException {
    Path directory = Files.createDirectory(temp.resolve("state"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
    assertThat(StateDirectory.ensurePrivate(directory)).isEqualTo(directory);
    assertThat(mode(directory)).as("it is checked, not changed").isEqualTo(mode);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rwxrwx---", "rwx-w----", "rwx---rwx", "rwx----w-", "rwxrwxrwx"})
  void aGroupOrWorldWritableDirectoryIsRefused(String mode) throws IOException {
    Path directory = Files.createDirectory(temp.resolve("state"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
    assertRefused(directory).hasMessageContaining("writable by others");
    assertThat(mode(directory)).as("left as it was").isEqualTo(mode);
  }

  @Test
  void aSymbolicLinkIsRefusedEvenToAPrivateDirectory() throws IOException {
    Path target = Files.createDirectory(temp.resolve("target"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(temp.resolve("state"), target);
    assertRefused(link).hasMessageContaining("symbolic link");
  }

  @Test
  void aDanglingSymbolicLinkIsRefusedAndNotFollowed() throws IOException {
    Path target = temp.resolve("nowhere");
    Path link = Files.createSymbolicLink(temp.resolve("state"), target);
    assertRefused(link);
    assertThat(target).as("not created through the link").doesNotExist();
  }

  @Test
  void aFileIsRefused() throws IOException {
    Path file = Files.writeString(temp.resolve("state"), "");
    assertRefused(file).hasMessageContaining("not a directory");
  }

  @Test
  void aDirectoryOwnedBySomeoneElseIsRefused() throws IOException {
    Path foreign;
    if (Users.currentUid() == 0) {
      foreign = Files.createDirectory(temp.resolve("state"));
      Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwx------"));
      Files.setAttribute(foreign, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    } else {
      foreign = Path.of("/usr"); // owned by root, not writable by others
    }
    assertRefused(foreign).hasMessageContaining("owned by uid");
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsAnUnsafeStateDirectoryFailure() throws IOException {
    Path file = Files.writeString(temp.resolve("file"), "");
    assertRefused(file.resolve("state")).hasMessageContaining("cannot create");
  }

  // --- locate -----------------------------------------------------------------------------------------

  @Test
  void locateUsesViasockDirFirst() {
    Map<String, String> environment = new HashMap<>();
    environment.put("VIASOCK_DIR", temp.resolve("mine/./x/..").toString());
    environment.put("XDG_RUNTIME_DIR", "/run/user/1000");
    assertThat(StateDirectory.locate(environment::get)).isEqualTo(temp.resolve("mine"));
  }

  @Test
  void locateMakesARelativeViasockDirAbsolute() {
    Path located = StateDirectory.locate(Map.of("VIASOCK_DIR", "relative/dir")::get);
    assertThat(located).isAbsolute().isEqualTo(Path.of("relative/dir").toAbsolutePath());
  }

  @Test
  void locateUsesXdgRuntimeDirWhenViasockDirIsUnsetOrEmpty() {
    assertThat(StateDirectory.locate(Map.of("XDG_RUNTIME_DIR", "/run/user/1000")::get))
        .isEqualTo(Path.of("/run/user/1000/viasock"));
    assertThat(StateDirectory.locate(Map.of("VIASOCK_DIR", "", "XDG_RUNTIME_DIR", "/run/user/1000")::get))
        .isEqualTo(Path.of("/run/user/1000/viasock"));
  }

  @Test
  void locateFallsBackToAPerUserDirectoryUnderTheTempDirectory() {
    Path expected = Path.of(System.getProperty("java.io.tmpdir"), "viasock-" + Users.currentUid())
        .toAbsolutePath().normalize();
    assertThat(StateDirectory.locate(Map.<String, String>of()::get)).isEqualTo(expected);
    assertThat(StateDirectory.locate(Map.of("VIASOCK_DIR", "", "XDG_RUNTIME_DIR", "")::get)).isEqualTo(expected);
  }

  // --- ServerFiles ------------------------------------------------------------------------------------

  @Test
  void serverFilesAreNamedAfterTheKey() {
    String key = "abcdefghijklmnopqrst";
    ServerFiles files = ServerFiles.of(temp, key, null);
    assertThat(files.socket()).isEqualTo(temp.resolve(key + ".sock"));
    assertThat(files.lock()).isEqualTo(temp.resolve(key + ".lock"));
    assertThat(files.info()).isEqualTo(temp.resolve(key + ".info"));
    assertThat(files.log()).isEqualTo(temp.resolve(key + ".log"));
    Path log = temp.resolve("elsewhere.log");
    assertThat(ServerFiles.of(temp, key, log).log()).isEqualTo(log);
  }

  @Test
  void aSocketPathOf107BytesIsAcceptedAnd108IsRefused() {
    String key = "a".repeat(ServerKey.LENGTH);
    int rest = ("/" + key + ".sock").length();
    Path fits = Path.of("/" + "d".repeat(107 - rest - 1));
    assertThat(ServerFiles.of(fits, key, null).socket().toString()).hasSize(107);
    Path tooLong = Path.of("/" + "d".repeat(108 - rest - 1));
    assertThatThrownBy(() -> ServerFiles.of(tooLong, key, null))
        .asInstanceOf(type(ViasockException.class))
        .satisfies(e -> assertThat(e.getMessage()).startsWith("viasock: ").contains("108").contains("VIASOCK_DIR"))
        .extracting(ViasockException::failure).isEqualTo(Failure.SERVER_UNAVAILABLE);
  }

  @Test
  void theSocketPathLimitCountsUtf8BytesNotCharacters() {
    String key = "a".repeat(ServerKey.LENGTH);
    Path directory = Path.of("/" + "é".repeat(42)); // 43 characters, 85 bytes: 111 bytes with the socket name
    assertThatThrownBy(() -> ServerFiles.of(directory, key, null)).isInstanceOf(ViasockException.class);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path directory) {
    return assertThatThrownBy(() -> StateDirectory.ensurePrivate(directory))
        .isInstanceOf(ViasockException.class)
        .satisfies(e -> {
          ViasockException refused = (ViasockException) e;
          assertThat(refused.failure()).isEqualTo(Failure.UNSAFE_STATE_DIRECTORY);
          assertThat(refused.exitStatus()).isEqualTo(77);
          assertThat(refused.getMessage()).startsWith("viasock: ").contains(directory.toString());
        });
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }
}
