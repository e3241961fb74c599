package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameTest {
  private static final byte[] DATA_TYPES = {
    Frame.INPUT, Frame.PRELUDE, Frame.OUTPUT, Frame.STDERR,
  };
  private static final byte[] EMPTY_TYPES = {
    Frame.END_OF_INPUT, Frame.ACCEPT, Frame.RETRY,
  };

  private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
  private final FrameWriter writer = new FrameWriter(wire);

  @Test
  void everyDataFrameTypeRoundTripsWithItsPayload() throws IOException {
    for (byte type : DATA_TYPES) {
      writer.send(type, new byte[] {type, 0, (byte) 0xff, '\n'}, 0, 4);
    }
    FrameReader reader = reader();
    for (byte type : DATA_TYPES) {
      assertThat(reader.next()).isTrue();
      assertThat((char) reader.type()).isEqualTo((char) type);
      assertThat(payload(reader)).containsExactly(type, 0, (byte) 0xff, '\n');
    }
    assertThat(reader.next()).isFalse();
  }

  @Test
  void everyEmptyFrameTypeRoundTrips() throws IOException {
    for (byte type : EMPTY_TYPES) {
      writer.send(type);
    }
    writer.send(Frame.OUTPUT, new byte[0], 0, 0);
    FrameReader reader = reader();
    for (byte type : EMPTY_TYPES) {
      assertThat(reader.next()).isTrue();
      assertThat((char) reader.type()).isEqualTo((char) type);
      assertThat(reader.length()).isZero();
    }
    assertThat(reader.next()).as("an empty data frame is still one frame").isTrue();
    assertThat((char) reader.type()).isEqualTo((char) Frame.OUTPUT);
    assertThat(reader.length()).isZero();
    assertThat(reader.next()).isFalse();
  }

  @Test
  void helloCarriesTheProtocolVersionAndFlags() throws IOException {
    writer.sendHello(Frame.FLAG_FORWARD_STDERR);
    writer.sendHello(0);
    writer.sendHello(0xdeadbeef);
    FrameReader reader = reader();
    for (int flags : new int[] {Frame.FLAG_FORWARD_STDERR, 0, 0xdeadbeef}) {
      assertThat(reader.next()).isTrue();
      assertThat((char) reader.type()).isEqualTo((char) Frame.HELLO);
      assertThat(reader.length()).isEqualTo(8);
      assertThat(reader.intAt(0)).isEqualTo(Frame.PROTOCOL_VERSION);
      assertThat(reader.intAt(1)).isEqualTo(flags);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 65, 124, 141, 255, -1, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void endCarriesItsStatusAndAUtf8Message(int status) throws IOException {
    String message = "viasock: the program failed — Ausgabe geschlossen ✓ 日本";
    writer.sendEnd(status, message);
    writer.sendEnd(status, "");
    FrameReader reader = reader();
    assertThat(reader.next()).isTrue();
    assertThat((char) reader.type()).isEqualTo((char) Frame.END);
    assertThat(reader.length()).isEqualTo(4 + message.getBytes(UTF_8).length);
    assertThat(reader.intAt(0)).isEqualTo(status);
    assertThat(reader.textFrom(4)).isEqualTo(message);
    assertThat(reader.next()).isTrue();
    assertThat(reader.intAt(0)).isEqualTo(status);
    assertThat(reader.textFrom(4)).isEmpty();
    assertThat(reader.next()).isFalse();
  }

  @Test
  void sendWritesOnlyTheGivenSliceOfTheArray() throws IOException {
    byte[] bytes = "0123456789".getBytes(UTF_8);
    writer.send(Frame.OUTPUT, bytes, 3, 4);
    FrameReader reader = reader();
    assertThat(reader.next()).isTrue();
    assertThat(new String(payload(reader), UTF_8)).isEqualTo("3456");
  }

  @Test
  void theWireFormatIsTypeThenBigEndianLengthThenPayload() throws IOException {
    writer.send(Frame.INPUT, new byte[] {'h', 'i'}, 0, 2);
    writer.sendEnd(1, "x");
    assertThat(wire.toByteArray())
        .containsExactly('I', 0, 0, 0, 2, 'h', 'i', 'Z', 0, 0, 0, 5, 0, 0, 0, 1, 'x');
  }

  @ParameterizedTest
  @ValueSource(ints = {Frame.MAX_PAYLOAD - 1, Frame.MAX_PAYLOAD, Frame.MAX_PAYLOAD + 1, 2 * Frame.MAX_PAYLOAD,
      3 * Frame.MAX_PAYLOAD + 12_345})
  void aLargePayloadIsSplitIntoFramesOfAtMostMaxPayloadWithItsBytesIntact(int size) throws IOException {
    byte[] bytes = randomBytes(size, size);
    writer.send(Frame.OUTPUT, bytes, 0, size);
    FrameReader reader = reader();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    int frames = 0;
    while (reader.next()) {
      frames++;
      assertThat((char) reader.type()).isEqualTo((char) Frame.OUTPUT);
      assertThat(reader.length()).isBetween(1, Frame.MAX_PAYLOAD);
      received.write(reader.payload(), 0, reader.length());
    }
    assertThat(frames).isEqualTo((size + Frame.MAX_PAYLOAD - 1) / Frame.MAX_PAYLOAD);
    assertThat(received.toByteArray()).isEqualTo(bytes);
  }

  @Test
  void framesRoundTripThroughAPipeWhileBothEndsRun() throws Exception {
    PipedInputStream in = new PipedInputStream(4096);
    PipedOutputStream out = new PipedOutputStream(in);
    byte[] big = randomBytes(5 * Frame.MAX_PAYLOAD / 2, 7);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<?> sending = executor.submit(() -> {
        try (out) {
          FrameWriter pipeWriter = new FrameWriter(out);
          pipeWriter.sendHello(0);
          pipeWriter.send(Frame.INPUT, big, 0, big.length);
          pipeWriter.send(Frame.END_OF_INPUT);
          pipeWriter.sendEnd(0, "");
        }
        return null;
      });
      FrameReader reader = new FrameReader(in);
      List<Character> types = new ArrayList<>();
      ByteArrayOutputStream input = new ByteArrayOutputStream();
      while (reader.next()) {
        if (types.isEmpty() || types.get(types.size() - 1) != (char) reader.type()) {
          types.add((char) reader.type());
        }
        if (reader.type() == Frame.INPUT) {
          input.write(reader.payload(), 0, reader.length());
        }
      }
      sending.get(30, TimeUnit.SECONDS);
      assertThat(types).containsExactly('H', 'I', 'E', 'Z');
      assertThat(input.toByteArray()).isEqualTo(big);
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void framesFromConcurrentWritersAreNeverInterleaved() throws Exception {
    int threads = 4;
    int framesEach = 200;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> sends = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        byte mark = (byte) ('a' + t);
        sends.add(executor.submit(() -> {
          byte[] payload = new byte[1000 + mark];
          Arrays.fill(payload, mark);
          for (int i = 0; i < framesEach; i++) {
            writer.send(Frame.OUTPUT, payload, 0, payload.length);
          }
          return null;
        }));
      }
      for (Future<?> send : sends) {
        send.get(30, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    int[] counts = new int[threads];
    FrameReader reader = reader();
    while (reader.next()) {
      byte mark = reader.payload()[0];
      assertThat(reader.length()).isEqualTo(1000 + mark);
      for (int i = 0; i < reader.length(); i++) {
        assertThat(reader.payload()[i]).isEqualTo(mark);
      }
      counts[mark - 'a']++;
    }
    assertThat(counts).containsOnly(framesEach);
  }

  @Test
  void aCleanEndOfStreamBetweenFramesIsNotAnError() throws IOException {
    assertThat(new FrameReader(new ByteArrayInputStream(new byte[0])).next()).isFalse();
    writer.send(Frame.ACCEPT);
    FrameReader reader = reader();
    assertThat(reader.next()).isTrue();
    assertThat(reader.next()).isFalse();
    assertThat(reader.next()).as("and it stays at the end").isFalse();
  }

  @Test
  void theStreamEndingInsideAFrameIsAnEofException() throws IOException {
    writer.send(Frame.OUTPUT, new byte[] {1, 2, 3, 4, 5}, 0, 5);
    byte[] whole = wire.toByteArray();
    for (int cut = 1; cut < whole.length; cut++) {
      FrameReader reader = new FrameReader(new ByteArrayInputStream(Arrays.copyOf(whole, cut)));
      assertThatThrownBy(reader::next).as("cut after %s of %s bytes", cut, whole.length)
          .isInstanceOf(EOFException.class);
    }
  }

  @Test
  void theStreamEndingInsideTheSecondFrameIsAnEofExceptionAfterTheFirst() throws IOException {
    writer.send(Frame.OUTPUT, new byte[] {1}, 0, 1);
    writer.send(Frame.OUTPUT, new byte[] {2, 2}, 0, 2);
    byte[] whole = wire.toByteArray();
    FrameReader reader = new FrameReader(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 1)));
    assertThat(reader.next()).isTrue();
    assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE, Frame.MAX_PAYLOAD + 5, Integer.MAX_VALUE})
  void anImpossibleLengthIsAProtocolException(int length) {
    byte[] header = {'O', (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    FrameReader reader = new FrameReader(new ByteArrayInputStream(header));
    assertThatThrownBy(reader::next).isInstanceOf(ProtocolException.class)
        .hasMessageContaining(String.valueOf(Integer.toUnsignedLong(length)));
  }

  @Test
  void aFrameOfExactlyMaxPayloadIsAccepted() throws IOException {
    byte[] bytes = randomBytes(Frame.MAX_PAYLOAD, 3);
    writer.send(Frame.STDERR, bytes, 0, bytes.length);
    FrameReader reader = reader();
    assertThat(reader.next()).isTrue();
    assertThat(payload(reader)).isEqualTo(bytes);
  }

  @Test
  void readingAnIntBeyondThePayloadIsAProtocolException() throws IOException {
    writer.send(Frame.HELLO, new byte[] {0, 0, 0, 1, 0, 0}, 0, 6);
    FrameReader reader = reader();
    assertThat(reader.next()).isTrue();
    assertThat(reader.intAt(0)).isEqualTo(1);
    assertThatThrownBy(() -> reader.intAt(1)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void aSmallFrameAfterALargeOneReportsOnlyItsOwnLength() throws IOException {
    byte[] big = randomBytes(Frame.MAX_PAYLOAD, 11);
    writer.send(Frame.OUTPUT, big, 0, big.length);
    writer.sendEnd(0, "ok");
    FrameReader reader = reader();
    assertThat(reader.next()).isTrue();
    assertThat(reader.next()).isTrue();
    assertThat(reader.length()).isEqualTo(6);
    assertThat(reader.textFrom(4)).isEqualTo("ok");
  }

  private FrameReader reader() {
    return new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
  }

  private static byte[] payload(FrameReader reader) {
    return Arrays.copyOf(reader.payload(), reader.length());
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
