package dev.viasock.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipeSpecTest {

  @Test
  void aSpecTravelsToTheExecutorsWhole() throws Exception {
    PipeSpec spec =
        PipeSpec.of(List.of("./tagger", "-m", "model.bin"))
            .inputTerminator("^$")
            .outputTerminator("^EOS$")
            .preludeLines(1)
            .processTimeout(Duration.ofSeconds(30))
            .workers(3)
            .unbuffered()
            .maxRecordSize(1 << 20)
            .passEnvironment("MODEL_HOME")
            .workingDirectory("/srv/models")
            .idleTimeout(Duration.ofMinutes(5))
            .perHostServer()
            .stateDirectory("/run/user/1000/viasock");

    PipeSpec copy = roundTrip(spec);

    assertThat(copy).isEqualTo(spec).isNotSameAs(spec);
    assertThat(copy.command()).containsExactly("./tagger", "-m", "model.bin");
    assertThat(copy.isPerHostServer()).isTrue();
    assertThat(copy.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void settersReturnNewSpecsAndLeaveTheOriginalAlone() {
    PipeSpec plain = PipeSpec.of(List.of("cat"));
    PipeSpec timed = plain.processTimeout(Duration.ofSeconds(5));

    assertThat(timed).isNotEqualTo(plain);
    assertThat(plain).isEqualTo(PipeSpec.of(List.of("cat")));
  }

  @Test
  void badOptionsAreRefusedOnTheDriverWithViasocksMessages() {
    PipeSpec spec = PipeSpec.of(List.of("cat"));

    assertThatThrownBy(() -> PipeSpec.of(List.of())).hasMessageContaining("the command is empty");
    assertThatThrownBy(() -> spec.inputTerminator("(")).hasMessageContaining("invalid pattern '('");
    assertThatThrownBy(() -> spec.workers(65)).hasMessageContaining("workers must be between 1 and 64");
    assertThatThrownBy(() -> spec.maxRecordSize(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> spec.processTimeout(Duration.ZERO)).hasMessageContaining("process timeout must be positive");
    assertThatThrownBy(() -> spec.passEnvironment("NOT A NAME")).hasMessageContaining("not an environment variable name");
    assertThatThrownBy(() -> spec.outputPrelude(1).preludeLines(2))
        .hasMessageContaining("give the prelude in records or in lines, not both");
  }

  private static PipeSpec roundTrip(PipeSpec spec) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (PipeSpec) in.readObject();
    }
  }
}
