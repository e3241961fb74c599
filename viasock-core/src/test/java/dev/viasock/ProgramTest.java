package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramTest {
  @TempDir Path temp;

  @Test
  void aBareNameIsFoundThroughPathAsAnAbsolutePath() throws IOException {
    Path bin = directory("bin");
    Path tool = executable(bin, "tool");
    Program program = Program.resolve("tool", List.of("-v", "x"), work(), "/nonexistent:" + bin);
    assertThat(program.executable()).isAbsolute().isEqualTo(tool);
    assertThat(program.name()).isEqualTo("tool");
    assertThat(program.arguments()).containsExactly("-v", "x");
    assertThat(program.commandText()).isEqualTo("tool -v x");
  }

  @Test
  void theFirstPathDirectoryWithTheProgramWins() throws IOException {
    Path first = directory("first");
    Path second = directory("second");
    executable(second, "tool");
    Path wanted = executable(first, "tool");
    assertThat(Program.resolve("tool", List.of(), work(), first + ":" + second).executable()).isEqualTo(wanted);
  }

  @Test
  void aNonExecutableFileEarlierInPathIsSkipped() throws IOException {
    Path first = directory("first");
    Path second = directory("second");
    plainFile(first, "tool");
    Path wanted = executable(second, "tool");
    assertThat(Program.resolve("tool", List.of(), work(), first + ":" + second).executable()).isEqualTo(wanted);
  }

  @Test
  void aRelativePathIsResolvedAgainstTheWorkingDirectory() throws IOException {
    Path work = work();
    Path here = executable(work, "x");
    Path sub = executable(Files.createDirectory(work.resolve("sub")), "y");
    assertThat(Program.resolve("./x", List.of(), work, "").executable()).isEqualTo(here);
    assertThat(Program.resolve("sub/y", List.of(), work, "").executable()).isEqualTo(sub);
    assertThat(Program.resolve("sub/../x", List.of(), work, "").executable()).as("normalized").isEqualTo(here);
  }

  @Test
  void aNameWithASlashIsNotLookedUpInPath() throws IOException {
    Path bin = directory("bin");
    executable(bin, "x");
    assertNotFound(() -> Program.resolve("./x", List.of(), work(), bin.toString()), "./x");
  }

  @Test
  void anAbsolutePathIsUsedAsItIs() throws IOException {
    Path tool = executable(directory("bin"), "tool");
    assertThat(Program.resolve(tool.toString(), List.of(), work(), "").executable()).isEqualTo(tool);
  }

  @Test
  void theWorkingDirectoryIsMadeAbsoluteAndNormal() throws IOException {
    Path work = work();
    executable(work, "x");
    Program program = Program.resolve("./x", List.of(), work.resolve("sub/.."), "");
    assertThat(program.workingDirectory()).isEqualTo(work);
  }

  @Test
  void aMissingProgramIsNotFound() throws IOException {
    Path bin = directory("bin");
    assertNotFound(() -> Program.resolve("./missing", List.of(), work(), bin.toString()), "./missing");
    assertNotFound(() -> Program.resolve("missing", List.of(), work(), bin.toString()), "missing")
        .hasMessageContaining(bin.toString());
    assertNotFound(() -> Program.resolve("missing", List.of(), work(), null), "missing");
  }

  @Test
  void anEmptyNameIsNotFound() {
    assertNotFound(() -> Program.resolve("", List.of(), temp, "/bin"), "empty");
  }

  @Test
  void aProgramInTheWorkingDirectoryIsNotFoundWhenPathHasNoEmptyEntry() throws IOException {
    Path work = work();
    executable(work, "tool");
    Path bin = directory("bin");
    assertNotFound(() -> Program.resolve("tool", List.of(), work, bin.toString()), "tool");
  }

  @Test
  void aFileThatIsNotExecutableCannotBeExecuted() throws IOException {
    Path work = work();
    plainFile(work, "x");
    assertNotExecutable(() -> Program.resolve("./x", List.of(), work, ""), "./x");
  }

  @Test
  void aFileOnPathThatIsNotExecutableCannotBeExecuted() throws IOException {
    Path bin = directory("bin");
    plainFile(bin, "tool");
    assertNotExecutable(() -> Program.resolve("tool", List.of(), work(), "/nonexistent:" + bin), "tool");
  }

  @Test
  void aDirectoryNamedAsTheProgramCannotBeExecuted() throws IOException {
    Path work = work();
    Files.createDirectory(work.resolve("dir"));
    assertNotExecutable(() -> Program.resolve("./dir", List.of(), work, ""), "./dir");
  }

  @Test
  void aDirectoryOnPathNamedLikeTheProgramIsSkipped() throws IOException {
    Path first = directory("first");
    Files.createDirectory(first.resolve("tool"));
    Path tool = executable(directory("second"), "tool");
    assertThat(Program.resolve("tool", List.of(), work(), first + ":" + tool.getParent()).executable())
        .isEqualTo(tool);
  }

  @Test
  void aDirectoryOnPathIsNotAProgramSoTheNameIsNotFound() throws IOException {
    // bash: PATH=/p bash -c tool, with /p/tool a directory, prints "tool: command not found" and exits 127.
    Path bin = directory("bin");
    Files.createDirectory(bin.resolve("tool"));
    assertNotFound(() -> Program.resolve("tool", List.of(), work(), bin.toString()), "tool");
  }

  @Test
  void emptyPathEntriesMeanTheWorkingDirectory() throws IOException {
    Path work = work();
    Path tool = executable(work, "tool");
    for (String path : new String[] {":/nonexistent", "/nonexistent:", "/nonexistent::/also-nonexistent", ""}) {
      assertThat(Program.resolve("tool", List.of(), work, path).executable()).as("PATH=%s", path).isEqualTo(tool);
    }
  }

  @Test
  void relativePathEntriesAreResolvedAgainstTheWorkingDirectory() throws IOException {
    Path work = work();
    Path tool = executable(Files.createDirectory(work.resolve("bin")), "tool");
    assertThat(Program.resolve("tool", List.of(), work, "bin").executable()).isEqualTo(tool);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private Path work() throws IOException {
    Path work = temp.resolve("work");
    return Files.isDirectory(work) ? work : Files.createDirectory(work);
  }

  private Path directory(String name) throws IOException {
    return Files.createDirectory(temp.resolve(name));
  }

  private static Path executable(Path directory, String name) throws IOException {
    Path file = Files.writeString(directory.resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static Path plainFile(Path directory, String name) throws IOException {
    Path file = Files.writeString(directory.resolve(name), "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertNotFound(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String named) {
    return assertFailure(call, Failure.NOT_FOUND, 127, named);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertNotExecutable(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String named) {
    return assertFailure(call, Failure.NOT_EXECUTABLE, 126, named);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertFailure(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Failure failure, int status, String named) {
    return assertThatThrownBy(call)
        .isInstanceOf(ViasockException.class)
        .hasMessageStartingWith("viasock: ")
        .hasMessageContaining(named)
        .satisfies(e -> {
          assertThat(((ViasockException) e).failure()).isEqualTo(failure);
          assertThat(((ViasockException) e).exitStatus()).isEqualTo(status);
        });
  }
}
