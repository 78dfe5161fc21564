package dev.archway.api.v1alpha1;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Gateway API durations: one to four numbers with units h, m, s or ms, e.g. {@code 1m30s}. */
public final class Durations {

  /** The pattern CRD fields of this kind carry. */
  public static final String PATTERN = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";
  private static final Pattern PART = Pattern.compile("([0-9]{1,5})(h|ms|m|s)");

  private Durations() {}

  /** Milliseconds of a duration, or {@code fallback} when it is null. */
  public static long toMillis(String duration, long fallback) {
    if (duration == null || duration.isEmpty()) {
      return fallback;
    }
    if (!duration.matches(PATTERN)) {
      throw new IllegalArgumentException(duration + " is not a duration like 500ms, 5s or 1m30s");
    }
    long total = 0;
    Matcher m = PART.matcher(duration);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total += switch (m.group(2)) {
        case "h" -> n * 3_600_000;
        case "m" -> n * 60_000;
        case "s" -> n * 1_000;
        default -> n;
      };
    }
    return total;
  }
}
