package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --watch}, {@code --env} and {@code --stderr}. */
class OptionsIT {
  @RegisterExtension final Viasock viasock = new Viasock();

  private static String pid(Viasock.Result result) {
    String out = result.assertSucceeded().out();
    return out.substring(0, out.indexOf(' '));
  }

  @Test
  void aChangeUnderAWatchedDirectoryGivesANewServerAndWithoutWatchItDoesNot() throws Exception {
    String program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n");
    Path weights = Files.createDirectories(viasock.workDir().resolve("model/layers")).resolve("weights.bin");
    Files.writeString(weights, "v1");

    String watched = pid(viasock.run("a\n", "run", "--watch", "model", program));
    String unwatched = pid(viasock.run("a\n", "run", program));
    Files.setLastModifiedTime(weights, FileTime.from(Instant.now().plusSeconds(10)));

    assertThat(pid(viasock.run("b\n", "run", "--watch", "model", program))).isNotEqualTo(watched);
    assertThat(pid(viasock.run("b\n", "run", program))).isEqualTo(unwatched);
  }

  @Test
  void aPassedVariableSelectsTheServerAndReachesTheProgram() throws Exception {
    String program = viasock.script("env.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $MODEL $l\"; done\n");

    Viasock.Result first = viasock.env("MODEL", "small").run("a\n", "run", "--env", "MODEL", program);
    Viasock.Result again = viasock.run("b\n", "run", "--env", "MODEL", program);
    Viasock.Result other = viasock.env("MODEL", "large").run("c\n", "run", "--env", "MODEL", program);

    assertThat(first.assertSucceeded().out()).endsWith(" small a\n");
    assertThat(pid(again)).isEqualTo(pid(first));
    assertThat(other.assertSucceeded().out()).endsWith(" large c\n");
    assertThat(pid(other)).isNotEqualTo(pid(first));
  }

  @Test
  void withoutEnvAChangedVariableKeepsTheServerAndItsStartingEnvironment() throws Exception {
    String program = viasock.script("env.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $MODEL $l\"; done\n");

    Viasock.Result first = viasock.env("MODEL", "small").run("a\n", "run", program);
    Viasock.Result later = viasock.env("MODEL", "large").run("b\n", "run", program);

    assertThat(pid(later)).isEqualTo(pid(first));
    assertThat(later.out()).endsWith(" small b\n");
  }

  @Test
  void stderrGoesToTheLogUnlessTheCallerAsksForIt() throws Exception {
    String program = viasock.script("err.sh",
        "#!/bin/sh\nwhile IFS= read -r l; do echo \"note about $l\" >&2; echo \"$l\"; done\n");

    Viasock.Result quiet = viasock.run("a\n", "run", program);
    Viasock.Result forwarded = viasock.run("b\nc\n", "run", "--stderr", program);

    assertThat(quiet.assertSucceeded().out()).isEqualTo("a\n");
    assertThat(forwarded.exitStatus()).isZero();
    assertThat(forwarded.out()).isEqualTo("b\nc\n");
    assertThat(forwarded.stderr()).isEqualTo("note about b\nnote about c\n");
    assertThat(viasock.run(new byte[0], "log", program).out()).contains("stderr: note about a");
  }
}
