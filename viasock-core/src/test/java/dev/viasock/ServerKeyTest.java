package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerKeyTest {
  private static final FileTime EARLIER = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));
  private static final FileTime LATER = FileTime.from(Instant.parse("2024-01-02T03:04:06Z"));

  @TempDir Path work;
  private Path program;
  private final Map<String, String> environment = new HashMap<>();

  @BeforeEach
  void makeProgram() throws IOException {
    program = work.resolve("parse");
    Files.writeString(program, "#!/bin/sh\ncat\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setLastModifiedTime(program, EARLIER);
  }

  @Test
  void theSameSpecGivesTheSameKey() {
    String first = key(spec("-m", "model.bin"));
    assertThat(key(spec("-m", "model.bin"))).as("a spec built again from the same inputs").isEqualTo(first);
    assertThat(key(spec("-m", "model.bin"))).isEqualTo(first);
  }

  @Test
  void touchingTheProgramOrAFileItNamesKeepsTheKeyAndChangesTheStamps() throws IOException {
    Path model = write("model.bin", "m");
    String key = key(spec("model.bin"));
    String stamps = stamps(spec("model.bin"));
    Files.setLastModifiedTime(model, LATER);
    Files.setLastModifiedTime(program, LATER);
    assertThat(key(spec("model.bin"))).as("the key: what a client computes without touching a file").isEqualTo(key);
    assertThat(stamps(spec("model.bin"))).as("the stamps: what the server checks on a greeting").isNotEqualTo(stamps);
  }

  @Test
  void aStaleServerSaysWhyOnceItsFilesChange() throws IOException {
    var staleness = ServerKey.staleness(spec("x"));
    assertThat(staleness.get()).as("unchanged").isNull();
    Files.setLastModifiedTime(program, LATER);
    assertThat(staleness.get()).contains("key no longer holds");
  }

  @Test
  void theKeyIsTheDocumentedEncodingHashed() {
    // docs/protocol.md, "The server's address": the native client hashes the same bytes.
    ServerSpec spec =
        new ServerSpec(
            new Program("cat", Path.of("/bin/cat"), ImmutableList.of("-u", "é"), Path.of("/tmp")),
            framing("^$", "", 1, 0),
            Duration.ofMillis(1500),
            Duration.ofSeconds(15),
            2,
            ImmutableList.of("HOME", "UNSET"),
            ImmutableList.of(Path.of("models")));
    environment.put("HOME", "/home/a");
    byte[] encoded = ServerKey.encode(spec, environment::get);
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    for (String chunk :
        List.of(
            "11000000", hex("viasock-address-1"), "04000000", hex("/tmp"), "08000000", hex("/bin/cat"),
            "02000000", "02000000", hex("-u"), "02000000", "c3a9", "02000000", hex("^$"), "00000000",
            "01000000", "00000000", "002f685900000000", "00d6117e03000000", "02000000", "0000000200000000", "00",
            "02000000",
            "04000000", hex("HOME"), "01", "07000000", hex("/home/a"), "05000000", hex("UNSET"), "00",
            "00000000", "01000000", "06000000", hex("models"))) {
      expected.writeBytes(com.google.common.io.BaseEncoding.base16().lowerCase().decode(chunk));
    }
    assertThat(encoded).isEqualTo(expected.toByteArray());
    assertThat(key(spec)).isEqualTo(com.google.common.hash.Hashing.murmur3_128().hashBytes(encoded).toString()
        .substring(0, 20));
  }

  private static String hex(String text) {
    return com.google.common.io.BaseEncoding.base16().lowerCase().encode(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aKeyIsTwentyLowercaseBase32Characters() {
    for (String argument : List.of("a", "b", "--model=x", "")) {
      String key = key(spec(argument));
      assertThat(key).hasSize(ServerKey.LENGTH).hasSize(20).matches("[0-9a-f]{20}");
    }
  }

  @Test
  void theWorkingDirectoryIsPartOfTheKey() throws IOException {
    Path other = Files.createDirectory(work.resolve("other"));
    // The program is named by its absolute path, so only the working directory differs.
    ServerSpec here = spec(Program.resolve(program.toString(), List.of("x"), work, ""));
    ServerSpec there = spec(Program.resolve(program.toString(), List.of("x"), other, ""));
    assertThat(there.program().executable()).isEqualTo(here.program().executable());
    assertThat(key(there)).isNotEqualTo(key(here));
  }

  @Test
  void theArgumentsArePartOfTheKey() {
    String key = key(spec("a", "b"));
    assertThat(key(spec("a", "c"))).isNotEqualTo(key);
    assertThat(key(spec("b", "a"))).as("order").isNotEqualTo(key);
    assertThat(key(spec("a"))).as("count").isNotEqualTo(key);
    assertThat(key(spec("a b"))).as("where one argument ends").isNotEqualTo(key(spec("a", "b")));
    assertThat(key(spec("ab"))).isNotEqualTo(key);
  }

  @Test
  void touchingAFileNamedByAnArgumentChangesTheStamps() throws IOException {
    Path model = write("model.bin", "weights");
    String before = stamps(spec("-m", "model.bin"));
    Files.setLastModifiedTime(model, LATER);
    assertThat(stamps(spec("-m", "model.bin"))).isNotEqualTo(before);
  }

  @Test
  void changingTheSizeOfAFileNamedByAnArgumentChangesTheStamps() throws IOException {
    Path model = write("model.bin", "weights");
    String before = stamps(spec("model.bin"));
    Files.writeString(model, "more weights");
    Files.setLastModifiedTime(model, EARLIER);
    assertThat(stamps(spec("model.bin"))).isNotEqualTo(before);
  }

  @Test
  void aFileNamedByAnAbsolutePathArgumentIsStamped() throws IOException {
    Path model = write("model.bin", "weights");
    String before = stamps(spec(model.toString()));
    Files.setLastModifiedTime(model, LATER);
    assertThat(stamps(spec(model.toString()))).isNotEqualTo(before);
  }

  @Test
  void theFileOfAnOptionWithEqualsValueIsStamped() throws IOException {
    Path model = write("model.bin", "weights");
    String before = stamps(spec("--model=model.bin"));
    Files.setLastModifiedTime(model, LATER);
    String touched = stamps(spec("--model=model.bin"));
    assertThat(touched).as("mtime").isNotEqualTo(before);
    Files.writeString(model, "other weights");
    Files.setLastModifiedTime(model, LATER);
    assertThat(stamps(spec("--model=model.bin"))).as("size").isNotEqualTo(touched);
  }

  @Test
  void aFileAppearingWhereAnArgumentPointsChangesTheStamps() throws IOException {
    String before = stamps(spec("model.bin"));
    write("model.bin", "");
    assertThat(stamps(spec("model.bin"))).isNotEqualTo(before);
  }

  @Test
  void aFileThatNoArgumentNamesDoesNotChangeTheStamps() throws IOException {
    write("model.bin", "weights");
    Path unrelated = write("notes.txt", "hello");
    String before = stamps(spec("--model=model.bin", "x"));
    Files.setLastModifiedTime(unrelated, LATER);
    Files.writeString(unrelated, "hello again");
    assertThat(stamps(spec("--model=model.bin", "x"))).isEqualTo(before);
  }

  @Test
  void changingTheProgramFileChangesTheStamps() throws IOException {
    String before = stamps(spec("x"));
    Files.setLastModifiedTime(program, LATER);
    String touched = stamps(spec("x"));
    assertThat(touched).as("mtime").isNotEqualTo(before);
    Files.writeString(program, "#!/bin/sh\nexec cat\n");
    Files.setLastModifiedTime(program, LATER);
    assertThat(stamps(spec("x"))).as("size").isNotEqualTo(touched);
  }

  @Test
  void theProgramFoundThroughPathIsStamped() throws IOException {
    Path bin = Files.createDirectory(work.resolve("bin"));
    Path tool = bin.resolve("tool");
    Files.writeString(tool, "#!/bin/sh\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    Files.setLastModifiedTime(tool, EARLIER);
    String before = stamps(spec(Program.resolve("tool", List.of(), work, bin.toString())));
    Files.setLastModifiedTime(tool, LATER);
    assertThat(stamps(spec(Program.resolve("tool", List.of(), work, bin.toString())))).isNotEqualTo(before);
  }

  @Test
  void theInputTerminatorIsPartOfTheKey() {
    assertThat(key(spec(framing("^$", "", 0, 0)))).isNotEqualTo(key(spec(framing("", "", 0, 0))));
    assertThat(key(spec(framing("^$", "", 0, 0)))).isNotEqualTo(key(spec(framing("^EOS$", "", 0, 0))));
  }

  @Test
  void theOutputTerminatorIsPartOfTheKey() {
    assertThat(key(spec(framing("", "^$", 0, 0)))).isNotEqualTo(key(spec(framing("", "", 0, 0))));
    assertThat(key(spec(framing("", "^$", 0, 0)))).as("input and output are not interchangeable")
        .isNotEqualTo(key(spec(framing("^$", "", 0, 0))));
  }

  @Test
  void thePreludeIsPartOfTheKey() {
    String none = key(spec(framing("", "", 0, 0)));
    String oneRecord = key(spec(framing("", "", 1, 0)));
    String twoRecords = key(spec(framing("", "", 2, 0)));
    String oneLine = key(spec(framing("", "", 0, 1)));
    assertThat(List.of(none, oneRecord, twoRecords, oneLine)).doesNotHaveDuplicates();
  }

  @Test
  void theProcessTimeoutIsPartOfTheKey() {
    assertThat(key(spec(Duration.ZERO, Duration.ofSeconds(15), 1)))
        .isNotEqualTo(key(spec(Duration.ofSeconds(5), Duration.ofSeconds(15), 1)));
    assertThat(key(spec(Duration.ofSeconds(5), Duration.ofSeconds(15), 1)))
        .isNotEqualTo(key(spec(Duration.ofMillis(5001), Duration.ofSeconds(15), 1)));
  }

  @Test
  void theServerTimeoutIsPartOfTheKey() {
    assertThat(key(spec(Duration.ZERO, Duration.ofSeconds(15), 1)))
        .isNotEqualTo(key(spec(Duration.ZERO, Duration.ofSeconds(16), 1)));
  }

  @Test
  void theWorkerCountIsPartOfTheKey() {
    assertThat(key(spec(Duration.ZERO, Duration.ofSeconds(15), 1)))
        .isNotEqualTo(key(spec(Duration.ZERO, Duration.ofSeconds(15), 2)));
  }

  @Test
  void unbufferedIsPartOfTheKey() {
    ServerSpec plain = spec();
    ServerSpec unbuffered =
        new ServerSpec(plain.program(), plain.framing(), plain.processTimeout(), plain.idleTimeout(),
            plain.workers(), plain.environmentNames(), plain.watchPaths(), plain.maxRecordSize(), true);

    assertThat(key(unbuffered)).isNotEqualTo(key(plain));
  }

  @Test
  void theValueOfAPassedEnvironmentVariableIsPartOfTheKey() {
    ServerSpec spec = spec(ImmutableList.of("MODEL_HOME"), ImmutableList.of());
    String unset = key(spec);
    environment.put("MODEL_HOME", "");
    String empty = key(spec);
    environment.put("MODEL_HOME", "/models/a");
    String a = key(spec);
    environment.put("MODEL_HOME", "/models/b");
    String b = key(spec);
    assertThat(List.of(unset, empty, a, b)).doesNotHaveDuplicates();
    environment.put("MODEL_HOME", "/models/a");
    assertThat(key(spec)).isEqualTo(a);
  }

  @Test
  void aVariableThatIsNotPassedDoesNotChangeTheKey() {
    ServerSpec spec = spec(ImmutableList.of("MODEL_HOME"), ImmutableList.of());
    String before = key(spec);
    environment.put("UNRELATED", "x");
    assertThat(key(spec)).isEqualTo(before);
  }

  @Test
  void whichVariablesArePassedIsPartOfTheKey() {
    assertThat(key(spec(ImmutableList.of("A"), ImmutableList.of())))
        .isNotEqualTo(key(spec(ImmutableList.of(), ImmutableList.of())))
        .isNotEqualTo(key(spec(ImmutableList.of("B"), ImmutableList.of())));
  }

  @Test
  void aFileDeepUnderAWatchedDirectoryChangingChangesTheStamps() throws IOException {
    Path nested = Files.createDirectories(work.resolve("models/en/v2"));
    Path weights = Files.writeString(nested.resolve("weights.bin"), "w");
    Files.setLastModifiedTime(weights, EARLIER);
    ServerSpec spec = spec(ImmutableList.of(), ImmutableList.of(Path.of("models")));
    String before = stamps(spec);
    assertThat(stamps(spec)).isEqualTo(before);

    Files.setLastModifiedTime(weights, LATER);
    String touched = stamps(spec);
    assertThat(touched).as("mtime of a file three levels down").isNotEqualTo(before);

    Files.writeString(weights, "ww");
    Files.setLastModifiedTime(weights, LATER);
    assertThat(stamps(spec)).as("size").isNotEqualTo(touched);
  }

  @Test
  void aFileAddedUnderAWatchedDirectoryChangesTheStamps() throws IOException {
    Path models = Files.createDirectories(work.resolve("models/en"));
    Files.setLastModifiedTime(models, EARLIER);
    ServerSpec spec = spec(ImmutableList.of(), ImmutableList.of(Path.of("models")));
    String before = stamps(spec);
    Files.writeString(models.resolve("new.bin"), "");
    Files.setLastModifiedTime(models, EARLIER);
    assertThat(stamps(spec)).isNotEqualTo(before);
  }

  @Test
  void aWatchedFileChangingChangesTheStamps() throws IOException {
    Path config = write("config.yaml", "a: 1");
    ServerSpec spec = spec(ImmutableList.of(), ImmutableList.of(Path.of("config.yaml")));
    String before = stamps(spec);
    Files.setLastModifiedTime(config, LATER);
    assertThat(stamps(spec)).isNotEqualTo(before);
  }

  @Test
  void aFileUnderAWatchedSymlinkToADirectoryChangingChangesTheStamps() throws IOException {
    // e.g. --watch models, with models -> models-v3 (a common way to switch model versions)
    Path real = Files.createDirectories(work.resolve("models-v3"));
    Path weights = Files.writeString(real.resolve("weights.bin"), "w");
    Files.setLastModifiedTime(weights, EARLIER);
    Files.createSymbolicLink(work.resolve("models"), Path.of("models-v3"));
    ServerSpec spec = spec(ImmutableList.of(), ImmutableList.of(Path.of("models")));
    String before = stamps(spec);
    Files.setLastModifiedTime(weights, LATER);
    assertThat(stamps(spec)).isNotEqualTo(before);
  }

  @Test
  void repointingAWatchedSymlinkChangesTheStamps() throws IOException {
    Path v1 = Files.createDirectories(work.resolve("models-v1"));
    Path v2 = Files.createDirectories(work.resolve("models-v2"));
    Files.setLastModifiedTime(v1, EARLIER);
    Files.setLastModifiedTime(v2, EARLIER);
    Path link = Files.createSymbolicLink(work.resolve("models"), Path.of("models-v1"));
    ServerSpec spec = spec(ImmutableList.of(), ImmutableList.of(Path.of("models")));
    String before = stamps(spec);
    Files.delete(link);
    Files.createSymbolicLink(link, Path.of("models-v2"));
    assertThat(stamps(spec)).isNotEqualTo(before);
  }

  @Test
  void aFileOutsideTheWatchedDirectoryDoesNotChangeTheStamps() throws IOException {
    Files.createDirectories(work.resolve("models"));
    Path outside = write("outside.bin", "x");
    ServerSpec spec = spec(ImmutableList.of(), ImmutableList.of(Path.of("models")));
    String before = stamps(spec);
    Files.setLastModifiedTime(outside, LATER);
    assertThat(stamps(spec)).isEqualTo(before);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private String key(ServerSpec spec) {
    return ServerKey.derive(spec, environment::get);
  }

  private static String stamps(ServerSpec spec) {
    return ServerKey.stamps(spec);
  }

  private Path write(String name, String content) throws IOException {
    Path file = Files.writeString(work.resolve(name), content);
    Files.setLastModifiedTime(file, EARLIER);
    return file;
  }

  private Program program(String... arguments) {
    return Program.resolve("./parse", List.of(arguments), work, "");
  }

  private ServerSpec spec(String... arguments) {
    return spec(program(arguments));
  }

  private static ServerSpec spec(Program program) {
    return new ServerSpec(program, Framing.LINES, Duration.ZERO, Duration.ofSeconds(15), 1, ImmutableList.of(),
        ImmutableList.of());
  }

  private ServerSpec spec(Framing framing) {
    return new ServerSpec(program(), framing, Duration.ZERO, Duration.ofSeconds(15), 1, ImmutableList.of(),
        ImmutableList.of());
  }

  private ServerSpec spec(Duration processTimeout, Duration idleTimeout, int workers) {
    return new ServerSpec(program(), Framing.LINES, processTimeout, idleTimeout, workers, ImmutableList.of(),
        ImmutableList.of());
  }

  private ServerSpec spec(ImmutableList<String> environmentNames, ImmutableList<Path> watchPaths) {
    return new ServerSpec(program(), Framing.LINES, Duration.ZERO, Duration.ofSeconds(15), 1, environmentNames,
        watchPaths);
  }

  private static Framing framing(String input, String output, int preludeRecords, int preludeLines) {
    return new Framing(Terminator.of(input), Terminator.of(output), preludeRecords, preludeLines);
  }
}
