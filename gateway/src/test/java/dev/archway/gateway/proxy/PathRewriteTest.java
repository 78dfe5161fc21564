package dev.archway.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathRewriteTest {

  @Test
  void replacingAPrefixWithTheRootStripsIt() {
    assertThat(PathRewrite.replacePrefix("/api", "/", "/api/x")).isEqualTo("/x");
    assertThat(PathRewrite.replacePrefix("/api", "/", "/api")).isEqualTo("/");
    assertThat(PathRewrite.replacePrefix("/api", "/", "/api/")).isEqualTo("/");
    assertThat(PathRewrite.replacePrefix("/api/v1", "/", "/api/v1/users/7")).isEqualTo("/users/7");
  }

  @Test
  void replacingAPrefixKeepsTheRestOfThePath() {
    assertThat(PathRewrite.replacePrefix("/old", "/new", "/old/a/b")).isEqualTo("/new/a/b");
    assertThat(PathRewrite.replacePrefix("/old", "/new/", "/old/a")).isEqualTo("/new/a");
    assertThat(PathRewrite.replacePrefix("/old", "/new", "/old")).isEqualTo("/new");
    assertThat(PathRewrite.replacePrefix("/", "/app", "/a/b")).isEqualTo("/app/a/b");
    assertThat(PathRewrite.replacePrefix("/", "/app", "/")).isEqualTo("/app");
  }
}
