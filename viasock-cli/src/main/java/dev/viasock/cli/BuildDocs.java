package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the man page and the completions, generated from the help texts, under a prefix-style directory
 * ({@code share/man/man1/viasock.1}, {@code share/bash-completion/completions/viasock},
 * {@code share/zsh/site-functions/_viasock}). Run by the build (viasock-cli's pom), never by a call.
 */
final class BuildDocs {
  private BuildDocs() {}

  /** Arguments: the output directory ({@code share}'s parent) and the version. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: BuildDocs OUTPUT-DIRECTORY VERSION");
    }
    Path share = Path.of(args[0], "share");
    write(share.resolve("man/man1/viasock.1"), ManPage.render(args[1]));
    write(share.resolve("bash-completion/completions/viasock"), Completion.bash());
    write(share.resolve("zsh/site-functions/_viasock"), Completion.zsh());
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, UTF_8);
  }
}
