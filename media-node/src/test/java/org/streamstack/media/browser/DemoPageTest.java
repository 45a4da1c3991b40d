package org.streamstack.media.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.streamstack.cluster.testing.ApiClient;
import org.streamstack.cluster.testing.Await;
import org.streamstack.media.app.LatencyProbe;
import org.streamstack.media.app.SyntheticApplication;

/**
 * The gateway's demo page in headless Chromium, used as a person would: open it with the token in
 * the address, choose the application, press Start, watch and drive the stream through the page's
 * own keyboard and mouse handling. The instance is the media node's synthetic application,
 * connected by hand to the session the page created (the gateway runs with manual instance launch).
 */
class DemoPageTest extends BrowserTest {

  private static final String TOKEN_REFUSED = "The token was refused: check it or ask for a new one";

  private void openPage(String token) {
    fixture.browser.open(fixture.gateway.baseUrl() + "/#token=" + token);
  }

  private void connectInstance(String sessionId) {
    fixture.endsWithTheSession(
        fixture.media.startSyntheticInstance(sessionId, fixture.gateway.instanceSocketUrl(sessionId), 1280, 720, 60));
  }

  private String sessionStatus(String sessionId) {
    return fixture.gateway.api.get("/1.0/sessions/" + sessionId, fixture.token).json()
        .path("metadata").path("status").asText();
  }

  @Test
  void thePageLoadsWithoutATokenAndReadsTheProbeAsTheMediaNodeDrawsIt() {
    ApiClient.Reply page = fixture.gateway.api.get("/", null);
    assertEquals(200, page.status());
    assertTrue(page.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    ApiClient.Reply probe = fixture.gateway.api.get("/static/latency-probe.js", null);
    assertEquals(LatencyProbe.javaScript(), probe.body(),
        "the page reads the probe with the script the media node's probe comes with");
  }

  @Test
  void aPersonStartsWatchesDrivesAndStopsAStream() {
    String sessionId = startFromThePage();
    connectInstance(sessionId);

    Await.until("the first decoded frame", Duration.ofSeconds(15), () -> pageNumber("framesDecoded()") > 0);
    long first = pageNumber("framesDecoded()");
    long start = System.nanoTime();
    Await.until("250 more frames", Duration.ofSeconds(10), () -> pageNumber("framesDecoded()") - first >= 250);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    Await.until("the figures of a 720p H.264 stream", Duration.ofSeconds(3),
        () -> pageNumber("stats.width") == 1280 && pageNumber("stats.height") == 720 && "H264".equals(page("stats.codec")));
    Await.until("a glass-to-glass figure from the probe", Duration.ofSeconds(3), () -> page("stats.latencyMs") != null);
    System.out.printf("demo page: 250 frames in %d ms; %s%n", elapsedMs, page("stats"));
    assertEquals("streaming", page("state"));
    assertNull(page("lastError"));
    assertNotNull(page("stats.rttMs"), "round-trip time of the selected candidate pair");
    assertEquals("active", sessionStatus(sessionId));

    // A key pressed on the page reaches the application: the swatch takes its next colour.
    SyntheticApplication.Region swatch = new SyntheticApplication(1280, 720).inputSwatch();
    List<Long> before = pixelAt(swatch.centreX(), swatch.centreY());
    new Actions(driver()).sendKeys("a").perform();
    Await.until("the swatch to change colour", Duration.ofSeconds(3),
        () -> !before.equals(pixelAt(swatch.centreX(), swatch.centreY())));

    // The pointer over the letterboxed picture lands on the video pixel under it: the cursor is
    // drawn there. A square window puts wide bars above and below the 16:9 picture.
    driver().manage().window().setSize(new Dimension(700, 700));
    int targetX = 900;
    int targetY = 500;
    WebElement video = driver().findElement(By.id("video"));
    @SuppressWarnings("unchecked")
    Map<String, Number> box = (Map<String, Number>) fixture.browser.script("""
        const rect = document.getElementById('video').getBoundingClientRect();
        return {width: rect.width, height: rect.height};
        """);
    double width = box.get("width").doubleValue();
    double height = box.get("height").doubleValue();
    assertTrue(height / width > 720.0 / 1280 * 1.3, "bars above and below the picture: " + box);
    double scale = Math.min(width / 1280, height / 720);
    // Selenium measures offsets from the element's centre; the picture is centred in it.
    int offsetX = (int) Math.round((targetX - 640 + 0.5) * scale);
    int offsetY = (int) Math.round((targetY - 360 + 0.5) * scale);
    new Actions(driver()).moveToElement(video, offsetX, offsetY).perform();
    Await.until("the cursor at (" + targetX + ", " + targetY + ")", Duration.ofSeconds(3),
        () -> pixelAt(targetX, targetY).stream().allMatch(channel -> channel > 200));

    driver().findElement(By.id("stop")).click();
    Await.until("the page to end the session", Duration.ofSeconds(5),
        () -> "terminated".equals(sessionStatus(sessionId)));
    assertEquals("ready", page("state"));
    assertNull(page("lastError"));
  }

  /**
   * The owner's Share button makes a link (issue 6); the link opens the same session on a page
   * with no token, as a view-only peer. (Streaming to several peers is the media node's part.)
   */
  @Test
  void theOwnerSharesTheSessionAndItsLinkOpensItWithoutAToken() {
    String base = fixture.gateway.baseUrl();
    // Joinable: the owner's page leaving does not end the session.
    String sessionId = fixture.browser.startOnDemoPage(base, fixture.token, "demo", "H264", 30, true);
    driver().findElement(By.id("share")).click();
    new Select(driver().findElement(By.id("share-type"))).selectByValue("view");
    driver().findElement(By.id("share-create")).click();
    Await.until("the share's link", Duration.ofSeconds(10), () -> page("shareLink") != null);
    String link = (String) page("shareLink");
    assertEquals(link, driver().findElement(By.id("share-link")).getAttribute("value"), "the link is shown");
    assertTrue(driver().findElement(By.id("share-copy")).isDisplayed(), "with a copy button");
    assertTrue(link.startsWith(base + "/#share="), link);
    String shareId = link.substring(link.indexOf("#share=") + 7, link.indexOf("&secret="));
    ApiClient.Reply share = fixture.gateway.api.get("/1.0/shares/" + shareId, fixture.token);
    assertEquals(200, share.status(), share.body());
    assertEquals("view", share.json().path("metadata").path("type").asText());
    assertEquals(sessionId, share.json().path("metadata").path("session_id").asText());

    fixture.browser.blank();
    fixture.browser.script("try { localStorage.clear(); } catch (e) {}");
    fixture.browser.open(link);
    Await.until("the page to join through the link", Duration.ofSeconds(10), () -> "view".equals(page("shareType")));
    assertEquals(sessionId, page("sessionId"));
    assertTrue(page("sharePeer").toString().startsWith(shareId + "."), String.valueOf(page("sharePeer")));
    assertTrue(driver().findElement(By.id("view-only")).isDisplayed(), "a view peer's page says it only watches");
    assertFalse(driver().findElement(By.id("share")).isDisplayed(), "a peer cannot share the session on");
    assertNull(page("lastError"));
  }

  @Test
  void aSessionEndedElsewhereIsReportedInPlainWords() {
    String sessionId = startFromThePage();
    assertEquals(200, fixture.gateway.api.delete("/1.0/sessions/" + sessionId, fixture.token).status());
    Await.until("the page to notice", Duration.ofSeconds(5), () -> page("lastError") != null);
    assertEquals("The session ended: deleted by its owner", page("lastError"));
    assertEquals(page("lastError"), driver().findElement(By.id("message")).getText());
    assertTrue(driver().findElement(By.id("launcher")).isDisplayed(), "back to the start form");
  }

  @Test
  void aRefusedTokenIsExplainedInPlainWords() {
    openPage("not-a-token");
    Await.until("the refusal", Duration.ofSeconds(10), () -> page("lastError") != null);
    assertEquals(TOKEN_REFUSED, page("lastError"));
    assertEquals(TOKEN_REFUSED, driver().findElement(By.id("message")).getText());
    assertNotEquals("ready", page("state"), "nothing can be started with a refused token");
    assertTrue(!driver().findElement(By.id("start")).isEnabled());
  }
}
