package dev.viasock.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.viasock.Serverizer;
import dev.viasock.ViasockException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A build step, as a build tool would run it: it calls a slow-starting external tool once per input (here
 * {@code N} generated inputs, standing for source files), each call a fresh stream through the tool.
 * Through a {@link Serverizer}, only the first call pays the tool's start-up; for comparison, a sample of the
 * same calls is also made directly (a new process each), and the step prints both timings, per call and
 * extrapolated to all calls, and checks that the direct calls gave the same bytes.
 *
 * <pre>
 * java -jar examples/target/viasock-examples.jar --calls 1000 --direct-sample 10 examples/slow-upcase
 * </pre>
 *
 * <p>The server is left running, as a build tool would leave it for its next build: it stops by itself after
 * the server timeout (15 s without a call), or at once with {@code viasock stop TOOL [ARGS]} run from the same
 * directory (the same command in the same directory is the same server).
 */
public final class BuildStep {
  static final int DEFAULT_CALLS = 1_000;
  static final int DEFAULT_DIRECT_SAMPLE = 10;

  private final List<String> command;
  private final Serverizer tool;

  /**
   * A step that calls {@code command} through {@code tool}, and directly for the comparison. {@code tool} must
   * be built from the same command (with any options, such as a private state directory).
   */
  public BuildStep(List<String> command, Serverizer tool) {
    this.command = List.copyOf(command);
    this.tool = tool;
  }

  /** What one run of the step measured; {@link #answers()} are the outputs of the calls through viasock. */
  public record Report(
      List<String> command,
      List<byte[]> answers,
      Duration firstCall,
      Duration viasockTotal,
      int directCalls,
      Duration directTotal,
      List<Integer> mismatches) {

    /** The number of calls made through viasock. */
    public int calls() {
      return answers.size();
    }

    /** How long a direct call takes, on average over the sample. */
    public Duration directPerCall() {
      return directCalls == 0 ? Duration.ZERO : directTotal.dividedBy(directCalls);
    }

    /** What all the calls would have taken without viasock, extrapolated from the sample. */
    public Duration directExtrapolated() {
      return directPerCall().multipliedBy(calls());
    }

    /** Prints the comparison for a person. */
    public void print(PrintStream out) {
      int calls = calls();
      out.printf("BuildStep: %d calls of %s%n", calls, String.join(" ", command));
      String warm = calls > 1
          ? String.format(Locale.ROOT, ", then %s per call", millis(viasockTotal.minus(firstCall).dividedBy(calls - 1)))
          : "";
      out.printf("  with viasock:    %5d calls in %9s (first call %s, which starts the server%s)%n",
          calls, seconds(viasockTotal), millis(firstCall), warm);
      if (directCalls == 0) {
        out.println("  without viasock: no direct calls made (--direct-sample 0)");
        return;
      }
      out.printf("  without viasock: %5d calls in %9s (%s per call), so %d calls would take %s%n",
          directCalls, seconds(directTotal), millis(directPerCall()), calls, seconds(directExtrapolated()));
      double factor = (double) directExtrapolated().toNanos() / Math.max(1, viasockTotal.toNanos());
      out.printf(Locale.ROOT, "  viasock saves about %s on these %d calls (%.1fx faster)%n",
          seconds(directExtrapolated().minus(viasockTotal)), calls, factor);
      if (mismatches.isEmpty()) {
        out.printf("  answers: the %d direct calls gave the same bytes as the same calls through viasock%n",
            directCalls);
      } else {
        out.printf("  answers: %d of the %d direct calls gave other bytes than through viasock (calls %s)%n",
            mismatches.size(), directCalls, mismatches);
      }
    }
  }

  /** The input of call {@code call}: one line, standing for a source file the tool processes. */
  public static byte[] input(int call) {
    return String.format(Locale.ROOT, "src/module-%04d.txt: the quick brown fox jumps over the lazy dog%n", call)
        .getBytes(UTF_8);
  }

  /**
   * Makes {@code calls} calls through viasock, then {@code directSample} of the same calls directly (spread
   * over the range), and compares their answers.
   *
   * @throws ViasockException when a call through viasock fails
   * @throws IOException when a direct call cannot be made
   */
  public Report measure(int calls, int directSample) throws IOException, InterruptedException {
    if (calls < 1 || directSample < 0 || directSample > calls) {
      throw new IllegalArgumentException(
          "need 1 <= calls and 0 <= direct sample <= calls, not " + calls + " and " + directSample);
    }
    List<byte[]> answers = new ArrayList<>(calls);
    long start = System.nanoTime();
    Duration firstCall = null;
    for (int call = 0; call < calls; call++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      tool.run(new ByteArrayInputStream(input(call)), out);
      answers.add(out.toByteArray());
      if (firstCall == null) {
        firstCall = Duration.ofNanos(System.nanoTime() - start);
      }
    }
    Duration viasockTotal = Duration.ofNanos(System.nanoTime() - start);

    List<Integer> mismatches = new ArrayList<>();
    Duration directTotal = Duration.ZERO;
    for (int i = 0; i < directSample; i++) {
      int call = (int) ((long) i * calls / directSample);
      long before = System.nanoTime();
      byte[] direct = callDirectly(input(call));
      directTotal = directTotal.plusNanos(System.nanoTime() - before);
      if (!Arrays.equals(direct, answers.get(call))) {
        mismatches.add(call);
      }
    }
    return new Report(command, List.copyOf(answers), firstCall, viasockTotal, directSample, directTotal,
        List.copyOf(mismatches));
  }

  /** One call without viasock: a new process, its start-up paid each time. */
  private byte[] callDirectly(byte[] input) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Thread feeder = new Thread(() -> {
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(input);
      } catch (IOException e) {
        // The tool stopped reading; its exit status says why.
      }
    }, "direct-call-input");
    feeder.start();
    byte[] output;
    try (InputStream stdout = process.getInputStream()) {
      output = stdout.readAllBytes();
    }
    feeder.join();
    int status = process.waitFor();
    if (status != 0) {
      throw new IOException(command.get(0) + " exited with status " + status + " when called directly");
    }
    return output;
  }

  /** {@code --calls N --direct-sample M TOOL [ARGS...]}. */
  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    int calls = DEFAULT_CALLS;
    int sample = DEFAULT_DIRECT_SAMPLE;
    int next = 0;
    try {
      while (next < args.size() && args.get(next).startsWith("--")) {
        String option = args.get(next++);
        if (option.equals("--")) {
          break;
        }
        if (option.equals("--help")) {
          out.print(usage());
          return 0;
        }
        if (next >= args.size()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args.get(next++);
        switch (option) {
          case "--calls" -> calls = Integer.parseInt(value);
          case "--direct-sample" -> sample = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      }
      if (next >= args.size()) {
        throw new IllegalArgumentException("no TOOL given");
      }
      List<String> command = args.subList(next, args.size());
      if (calls < 1 || sample < 0 || sample > calls) {
        throw new IllegalArgumentException("need --calls >= 1 and 0 <= --direct-sample <= --calls");
      }
      Serverizer tool = Serverizer.builder(command).build();
      Report report = new BuildStep(command, tool).measure(calls, sample);
      report.print(out);
      out.printf("The server stays up for the next build; 'viasock stop %s' (from this directory) stops it now.%n",
          String.join(" ", command));
      return report.mismatches().isEmpty() ? 0 : 1;
    } catch (NumberFormatException e) {
      err.println("BuildStep: not a number: " + e.getMessage() + "\n" + usage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("BuildStep: " + e.getMessage() + "\n" + usage());
      return 2;
    } catch (ViasockException e) {
      err.println(e.getMessage());
      return e.exitStatus();
    } catch (IOException | UncheckedIOException e) {
      err.println("BuildStep: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private static String usage() {
    return "Usage: BuildStep [--calls N] [--direct-sample M] TOOL [ARGS...]\n"
        + "  --calls N          calls through viasock (default " + DEFAULT_CALLS + ")\n"
        + "  --direct-sample M  of those, calls also made directly, for comparison (default "
        + DEFAULT_DIRECT_SAMPLE + ")\n";
  }

  private static String millis(Duration duration) {
    return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1e6);
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
  }
}
