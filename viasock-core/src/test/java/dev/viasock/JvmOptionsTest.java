package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {
  @Test
  void theServerExitsOnRunningOutOfMemoryAndKeepsASmallHeap() {
    assertThat(JvmOptions.server()).contains("-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-Xmx256m");
  }

  @Test
  void theClientStartsFastAndIsDefinedBesideTheServer() {
    assertThat(JvmOptions.of("client")).contains("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");
  }

  @Test
  void aKeyTheFileLacksIsABuildDefect() {
    assertThatThrownBy(() -> JvmOptions.of("nonesuch"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nonesuch");
  }

  @Test
  void theKeyEndsAtTheFirstEqualsSignAndCommentsAreIgnored() throws IOException {
    Map<String, List<String>> options = JvmOptions.parse(new BufferedReader(new StringReader(
        "# a=b\n\nserver=-Xlog:all=warning,cds*=off:stderr -Xmx8m\nempty=\nnot an option\n")));

    assertThat(options).containsOnlyKeys("server", "empty");
    assertThat(options.get("server")).containsExactly("-Xlog:all=warning,cds*=off:stderr", "-Xmx8m");
    assertThat(options.get("empty")).isEmpty();
  }
}
