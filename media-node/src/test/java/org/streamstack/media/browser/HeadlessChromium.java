package org.streamstack.media.browser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: one per test class. The
 * background-networking flags keep it from calling out of this closed machine.
 */
public final class HeadlessChromium implements AutoCloseable {

  private final ChromeDriver driver;
  private final Path profile;

  public HeadlessChromium() throws java.io.IOException {
    profile = Files.createTempDirectory("chromium-profile");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--autoplay-policy=no-user-gesture-required", "--user-data-dir=" + profile);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  /** Opens the test client page (test resource webrtc-client.html) with these query parameters. */
  public void openClient(Map<String, String> query) {
    StringBuilder url = new StringBuilder(HeadlessChromium.class.getResource("/webrtc-client.html").toString());
    String separator = "?";
    for (Map.Entry<String, String> parameter : query.entrySet()) {
      url.append(separator).append(parameter.getKey()).append('=')
          .append(java.net.URLEncoder.encode(parameter.getValue(), java.nio.charset.StandardCharsets.UTF_8));
      separator = "&";
    }
    driver.get(url.toString());
  }

  /** Opens any page, such as the gateway's own. */
  public void open(String url) {
    driver.get(url);
  }

  /** The driver itself, for what a person does on a page: click, choose, type. */
  public WebDriver driver() {
    return driver;
  }

  public Object script(String javaScript) {
    return ((JavascriptExecutor) driver).executeScript(javaScript);
  }

  public Object asyncScript(String javaScript) {
    return ((JavascriptExecutor) driver).executeAsyncScript(javaScript);
  }

  public long number(String expression) {
    Object value = script("return " + expression + ";");
    return value == null ? 0 : ((Number) value).longValue();
  }

  /** Leaves the page, closing its peer connection. */
  public void blank() {
    driver.get("about:blank");
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (java.io.IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  // --- the gateway's demo page, read through its test hook window.streamstack ----------------

  /** A value of the demo page's {@code window.streamstack}, e.g. {@code "stats.width"}. */
  public Object demoPage(String expression) {
    return script("return window.streamstack." + expression + ";");
  }

  /** A number of the demo page's {@code window.streamstack}; 0 when it has none yet. */
  public long demoPageNumber(String expression) {
    Object value = demoPage(expression);
    return value == null ? 0 : ((Number) value).longValue();
  }

  /** The RGB of a pixel of the demo page's decoded video. */
  @SuppressWarnings("unchecked")
  public java.util.List<Long> demoPagePixel(int x, int y) {
    return (java.util.List<Long>) demoPage("pixelAt(" + x + "," + y + ")");
  }

  /**
   * Opens the demo page of {@code gatewayBase} with {@code token}, chooses {@code app}, the codec
   * and fps, joinable or not, presses Start as a person does, and returns the session it created.
   */
  public String startOnDemoPage(String gatewayBase, String token, String app, String codec, int fps, boolean joinable) {
    open(gatewayBase + "/#token=" + token);
    org.streamstack.cluster.testing.Await.until("the page to list the applications", Duration.ofSeconds(10),
        () -> "ready".equals(demoPage("state")));
    new org.openqa.selenium.support.ui.Select(driver.findElement(org.openqa.selenium.By.id("app"))).selectByValue(app);
    new org.openqa.selenium.support.ui.Select(driver.findElement(org.openqa.selenium.By.id("codec"))).selectByValue(codec);
    new org.openqa.selenium.support.ui.Select(driver.findElement(org.openqa.selenium.By.id("fps")))
        .selectByValue(String.valueOf(fps));
    if (joinable) driver.findElement(org.openqa.selenium.By.id("joinable")).click();
    driver.findElement(org.openqa.selenium.By.id("start")).click();
    org.streamstack.cluster.testing.Await.until("the page to create a session", Duration.ofSeconds(10),
        () -> demoPage("sessionId") != null);
    return (String) demoPage("sessionId");
  }

}
