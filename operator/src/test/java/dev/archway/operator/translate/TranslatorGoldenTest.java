package dev.archway.operator.translate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.archway.operator.Golden;
import dev.archway.operator.demo.ExampleResources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** testdata/translate/CASE/input/*.yaml -> CASE/output.json (config and route verdicts). */
class TranslatorGoldenTest {

  static final ObjectMapper PRETTY =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  static Stream<Path> cases() throws Exception {
    return Golden.cases("translate").stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translationMatchesGoldenFile(Path caseDir) throws Exception {
    ExampleResources in = Golden.input(caseDir);
    Translation t = Translator.translate(in.clusters().get(0), in.routes(), in.services(),
        KubernetesInputs.read(caseDir.resolve("input")));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("config", t.config());
    out.put("routes", t.routes());
    Golden.assertMatches(caseDir.resolve("output.json"), PRETTY.writeValueAsString(out) + "\n");
  }
}
