package dev.viasock.junit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.viasock.Serverizer;
import dev.viasock.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A slow-starting program as a JUnit 5 test fixture. Declare it as a static field with
 * {@code @RegisterExtension}: it is started once before the class's tests (or once for the whole suite, with
 * {@link #sharedBySuite()}), each test calls it with {@link #run(String)} or through its own {@link #session()},
 * and after the tests everything is stopped and checked: no server and no program process may be left
 * running, or the class fails.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ServerizedProgram parser =
 *     ServerizedProgram.of(Serverizer.builder("./banner-parser").preludeLines(1).outputTerminator("^$"));
 *
 * @Test
 * void parsesAWord() {
 *   assertThat(parser.call("fox\n")).startsWith("token\tfox\n");
 * }
 * }</pre>
 *
 * <p>The program starts before the first test, and the start is awaited (up to {@link #startTimeout}): a
 * program that cannot start (not found, not executable, or it exits or fails to write its prelude) fails the
 * class with the program's own error, its exit status and last lines on stderr, instead of every test
 * failing on its own. A program without a prelude counts as ready as soon as it runs, so one that dies at
 * once fails the class when the start sees it die, else the first test that calls it, with the same message.
 *
 * <p>By default the program runs behind a background server of its own, in a private state directory made
 * for it (the builder's {@code stateDirectory} is replaced), so it never meets the user's servers. With
 * {@link #inProcess()} it runs in this JVM instead ({@link Serverizer#startInProcess()}). Registered on an
 * instance field, it is started and stopped around each test.
 *
 * <p>Instances are immutable configurations; {@link #inProcess()} and the like return new ones. While tests
 * run, an instance holds the started program, so each field is one program.
 */
public final class ServerizedProgram
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ServerizedProgram.class);
  private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  private final Serverizer.Builder builder;
  private final boolean inProcess;
  private final boolean shared;
  private final Duration startTimeout;

  private volatile Started started;
  private volatile boolean startedPerTest;
  private final ThreadLocal<Session> testSession = new ThreadLocal<>();
  private final Set<Session> openSessions = ConcurrentHashMap.newKeySet();

  private ServerizedProgram(Serverizer.Builder builder, boolean inProcess, boolean shared, Duration startTimeout) {
    this.builder = requireNonNull(builder, "builder");
    this.inProcess = inProcess;
    this.shared = shared;
    this.startTimeout = startTimeout;
  }

  /**
   * The program that {@code builder} describes, behind a background server of its own.
   *
   * @param builder the program and its options; its state directory is replaced by a private one
   * @return the extension, to register with {@code @RegisterExtension}
   */
  public static ServerizedProgram of(Serverizer.Builder builder) {
    return new ServerizedProgram(builder, false, false, DEFAULT_START_TIMEOUT);
  }

  /**
   * The program with its arguments and the default options (every line a record, no prelude).
   *
   * @param program the program: looked up in {@code PATH} unless it contains a slash
   * @param arguments its arguments
   * @return the extension, to register with {@code @RegisterExtension}
   */
  public static ServerizedProgram of(String program, String... arguments) {
    return of(Serverizer.builder(program, arguments));
  }

  /**
   * Runs the program in this JVM, with no background server ({@link Serverizer#startInProcess()}).
   *
   * @return a new extension like this one, in process
   */
  public ServerizedProgram inProcess() {
    return new ServerizedProgram(builder, true, shared, startTimeout);
  }

  /**
   * Starts the program once for the whole test run: every test class that registers the same program (the
   * same command, options and files, in process or not) with {@code sharedBySuite()} uses that one, and it
   * is stopped and checked when the test run ends.
   *
   * @return a new extension like this one, shared by the suite
   */
  public ServerizedProgram sharedBySuite() {
    return new ServerizedProgram(builder, inProcess, true, startTimeout);
  }

  /**
   * How long the program may take to start (to be running, and to have written its prelude) before the
   * tests fail; default 60 seconds.
   *
   * @param timeout a positive duration
   * @return a new extension like this one, with that bound
   */
  public ServerizedProgram startTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive: " + timeout);
    }
    return new ServerizedProgram(builder, inProcess, shared, timeout);
  }

  /**
   * Streams {@code input} through the program and returns its output: the prelude, then one output record per
   * input record.
   *
   * @param input whole input records
   * @return the output
   * @throws dev.viasock.ViasockException when not every record could be answered
   */
  public byte[] run(byte[] input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    run(new ByteArrayInputStream(input), out);
    return out.toByteArray();
  }

  /**
   * {@link #run(byte[])} for UTF-8 text.
   *
   * @param input whole input records
   * @return the output
   */
  public String run(String input) {
    return new String(run(input.getBytes(UTF_8)), UTF_8);
  }

  /**
   * Streams {@code in} through the program to {@code out}, as {@link Serverizer#run(InputStream, OutputStream)}.
   *
   * @param in the input records
   * @param out where the prelude and the output records go
   */
  public void run(InputStream in, OutputStream out) {
    running().run(in, out);
  }

  /**
   * This test's session: one program process held for the test, records sent one at a time. Opened on first
   * use in a test (per thread) and closed after it. While it is open it holds a worker: with the default
   * single worker, a {@link #run} in the same test would wait for it, so use {@code workers(2)} to mix them.
   *
   * @return the session of the current test
   */
  public Session session() {
    Session session = testSession.get();
    if (session == null) {
      session = running().openSession();
      testSession.set(session);
      openSessions.add(session);
    }
    return session;
  }

  /**
   * Sends one record through this test's {@link #session()} and returns its answer, as UTF-8 text.
   *
   * @param record exactly one whole input record, with its newline
   * @return the output record
   */
  public String call(String record) {
    return new String(session().call(record.getBytes(UTF_8)), UTF_8);
  }

  /**
   * The program's prelude (its banner), as UTF-8 text; empty when it has none.
   *
   * @return the prelude
   */
  public String prelude() {
    return new String(session().prelude(), UTF_8);
  }

  /**
   * The serverizer of the background server, for what this class does not cover ({@code status()},
   * {@code logFile()}).
   *
   * @return the serverizer
   * @throws IllegalStateException in process, or outside the tests
   */
  public Serverizer serverizer() {
    return background().serverizer();
  }

  /**
   * The private state directory of the background server, removed after the tests.
   *
   * @return the state directory
   * @throws IllegalStateException in process, or outside the tests
   */
  public Path stateDirectory() {
    return background().stateDirectory();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    started = start(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (started == null) {
      startedPerTest = true;
      started = start(context);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Session session = testSession.get();
    testSession.remove();
    if (session != null) {
      openSessions.remove(session);
      session.close();
    }
    if (startedPerTest) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  private Started start(ExtensionContext context) {
    if (!shared) {
      return Starting.start(this::create, startTimeout);
    }
    String identity = (inProcess ? "in process " : "background ") + builder.build().key();
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(identity, key -> new SharedStart(() -> Starting.start(this::create, startTimeout)),
            SharedStart.class)
        .get();
  }

  private Started create() {
    return inProcess ? InProcessProgram.start(builder) : BackgroundProgram.create(builder);
  }

  /** Closes what the tests left open, then stops the program and checks it, unless the suite shares it. */
  private void stop() {
    Started program = started;
    started = null;
    for (Session session : openSessions) {
      session.close();
    }
    openSessions.clear();
    if (program != null && !shared) {
      program.close();
    }
  }

  private Started running() {
    Started program = started;
    if (program == null) {
      throw new IllegalStateException("viasock: the program is not started: use it in the tests of a class that "
          + "registers it with @RegisterExtension");
    }
    return program;
  }

  private BackgroundProgram background() {
    Started program = running();
    if (program instanceof BackgroundProgram background) {
      return background;
    }
    throw new IllegalStateException("viasock: the program runs in process; it has no server");
  }
}
