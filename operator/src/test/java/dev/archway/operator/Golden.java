package dev.archway.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.operator.demo.ExampleResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden files: a folder of input YAML beside the expected output. Run the tests with
 * {@code -Darchway.updateGolden=true} to rewrite the expected files, then review the diff.
 */
public final class Golden {

  static final Path ROOT = Path.of(System.getProperty("archway.repo.root", "..")).normalize();
  static final boolean UPDATE = Boolean.getBoolean("archway.updateGolden");

  private Golden() {}

  /** The case folders under {@code operator/src/test/resources/testdata/<stage>}. */
  public static List<Path> cases(String stage) throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT.resolve("operator/src/test/resources/testdata").resolve(stage))) {
      return dirs.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** The custom resources in a case folder's {@code input/} folder. */
  public static ExampleResources input(Path caseDir) throws IOException {
    return ExampleResources.read(caseDir.resolve("input"));
  }

  /** Asserts that {@code actual} equals the file, or rewrites the file in update mode. */
  public static void assertMatches(Path expectedFile, String actual) throws IOException {
    if (UPDATE || !Files.exists(expectedFile)) {
      Files.writeString(expectedFile, actual);
      if (!UPDATE) {
        throw new AssertionError("golden file " + expectedFile + " was missing and has been written; review it");
      }
      return;
    }
    assertThat(actual)
        .as("%s differs; rerun with -Darchway.updateGolden=true and review the diff", expectedFile)
        .isEqualTo(Files.readString(expectedFile));
  }
}
