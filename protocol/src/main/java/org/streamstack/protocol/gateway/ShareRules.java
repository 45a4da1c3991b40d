package org.streamstack.protocol.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** The rules of a share's fields (issue 6): types, description length, the expiry window. */
public final class ShareRules {

  public static final String VIEW = "view";
  public static final String CONTROL = "control";
  public static final Set<String> TYPES = Set.of(VIEW, CONTROL);
  public static final int MAX_DESCRIPTION = 256;
  /** A share given no expiry lasts this long. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
  /** No share may be set to outlive this, counted from the request. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(7);

  private ShareRules() {}

  public static String descriptionProblem(String description) {
    if (description != null && description.length() > MAX_DESCRIPTION) {
      return "field 'description' is longer than " + MAX_DESCRIPTION + " characters";
    }
    return null;
  }

  /** Why {@code expiryAt} (unix seconds) is refused at {@code now}, or null when it is fine. */
  public static String expiryProblem(long expiryAt, Instant now) {
    if (expiryAt <= now.getEpochSecond()) return "field 'expiry_at' must be in the future";
    if (expiryAt > now.plus(MAX_LIFETIME).getEpochSecond()) {
      return "field 'expiry_at' must be at most " + MAX_LIFETIME.toDays() + " days ahead";
    }
    return null;
  }
}
