package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's headless Chromium, driven through its chromedriver (the system's, so
 * nothing is downloaded), against a real server on a free loopback port with a data folder. It writes a rule with a
 * typo in the editor, sees the server's diagnostic and its fix, deploys; sees the automaton drawn; watches alerts
 * arrive as events are sent and opens one; backtests a rule and a changed copy of it against the live alerts, and
 * sees a backtest's progress; finds a key's run waiting in its state, counted on the graph, and has explain name the
 * condition an event fails; reads the server's charts and takes and deletes a savepoint; is asked for a token by a
 * server that has tokens; fits a phone's screen; and lists a rule's versions, shows their diff and restores one.
 * Screenshots of each view go to {@code target/console-screenshots}.
 *
 * <p>Without chromium and chromedriver the tests are skipped, saying how to install them, unless
 * {@code -Dvigil.browser.required=true} (CI) makes that a failure. The page must log no error of its own (a script
 * error, a refused Content-Security-Policy) in any test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final String INSTALL = "the console's browser tests need Chromium and its driver: "
            + "sudo apt-get install -y chromium chromium-driver (Debian; other systems: chromium and chromedriver "
            + "on the PATH); -Dvigil.browser.required=true makes their absence a failure";
    private static final String RULE = """
            STREAM payments (card STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP);

            RULE small_then_big
              SEVERITY high
              FROM payments
              PARTITION BY card
              PATTERN small -> big
              WITHIN 10 SECONDS
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;

    @TempDir
    static Path temp;

    private static Vertx vertx;
    private static RunningServer server;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        Path chromium = onPath("chromium", "chromium-browser", "google-chrome");
        Path driver = onPath("chromedriver");
        if (chromium == null || driver == null) {
            if (Boolean.getBoolean("vigil.browser.required")) {
                fail(INSTALL);
            }
            Assumptions.assumeTrue(false, INSTALL);
        }
        Files.createDirectories(SHOTS);
        vertx = Vertx.vertx();
        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(temp.resolve("data"))
                .withShards(2));
        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", RULE);
        assertEquals(201, deployed.statusCode(), deployed.body());

        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-extensions", "--no-first-run", "--lang=en-US", "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** No script error, no refused resource of the policy: the page's own errors, whatever the test did. */
    @AfterEach
    void thePageLoggedNoError() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
            // answers the test asked for (a 401 before the token, a refused rule) are the network's, not the page's
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !entry.getMessage().contains("Failed to load resource")) {
                errors.add(entry.getMessage());
            }
        }
        assertEquals(List.of(), errors, "errors in the browser's console");
    }

    @Test
    @Order(1)
    void theEditorShowsTheServersDiagnosticOfATypoThenItsFixDeploysTheRule() throws Exception {
        open("/#/editor");
        WebElement editor = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".cm-content")));
        editor.click();
        editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        editor.sendKeys("STREAM transfers (account STRING, amount DOUBLE, ts TIMESTAMP); "
                + "RULE big_transfer SEVERITY critical FROM transfers PARTITION BY account PATTERN big "
                + "DEFINE big AS amont >= 10000 EMIT total = big.amount");
        WebElement diagnostic = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".diagnostic.error")));
        assertTrue(diagnostic.getText().contains("unknown field 'amont'"), diagnostic.getText());
        assertTrue(diagnostic.getText().startsWith("1:"), "line:column first: " + diagnostic.getText());
        assertEquals(1, browser.findElements(By.cssSelector(".cm-lintRange-error")).size(), "the typo is marked");
        assertEquals("amont", browser.findElement(By.cssSelector(".cm-lintRange-error")).getText());
        assertTrue(!browser.findElement(By.id("deploy")).isEnabled(), "no deploying text with mistakes");
        screenshot("editor-diagnostic");

        diagnostic.findElement(By.cssSelector("button.fix")).click();   // "Use amount"
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("check-status"), "Compiles"));
        assertTrue(editorText().contains("big AS amount >= 10000"), editorText());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("deploy"))).click();
        wait.until(ExpectedConditions.urlContains("#/rules/big_transfer"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.nfa-graph")));

        HttpResponse<String> rule = server.get("/v1/rules/big_transfer");
        assertEquals(200, rule.statusCode(), rule.body());
        JsonObject deployed = new JsonObject(rule.body());
        assertEquals("critical", deployed.getString("severity"));
        assertTrue(deployed.getString("source").contains("big AS amount >= 10000"), deployed.getString("source"));
    }

    @Test
    @Order(2)
    void theAutomatonIsDrawnWithEveryStateAndItsConditionsAsText() throws Exception {
        JsonObject nfa = new JsonObject(server.get("/v1/rules/small_then_big/nfa").body());
        open("/#/rules/small_then_big");
        WebElement graph = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.nfa-graph")));
        List<WebElement> states = graph.findElements(By.cssSelector("g.nfa-state"));
        assertEquals(nfa.getJsonArray("states").size(), states.size());
        List<String> names = new ArrayList<>();
        states.forEach(state -> names.add(state.getAttribute("data-state")));
        for (Object state : nfa.getJsonArray("states")) {
            assertTrue(names.contains(((JsonObject) state).getString("name")), names.toString());
        }
        int edges = 0;
        for (Object state : nfa.getJsonArray("states")) {
            edges += ((JsonObject) state).getJsonArray("edges").size();
        }
        assertEquals(edges, graph.findElements(By.cssSelector("g.nfa-edge")).size(), "an arrow per transition");
        String labels = graph.getText();
        assertTrue(labels.contains("amount < 2") && labels.contains("amount >= 500"),
                "conditions, not variable names: " + labels);
        assertEquals(1, graph.findElements(By.cssSelector("g.nfa-state.start")).size());
        screenshot("rule");
    }

    @Test
    @Order(3)
    void alertsAppearLiveAsEventsAreSentAndShowTheirEventsPerVariable() throws Exception {
        open("/#/alerts");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("stream-state"), "subscribed"));
        String events = """
                {"stream": "payments", "card": "c1", "amount": 1.5, "merchant": "charity", "ts": "2026-11-20T14:02:10Z"}
                {"stream": "payments", "card": "c1", "amount": 750, "merchant": "watches", "ts": "2026-11-20T14:02:15Z"}
                {"stream": "payments", "card": "c2", "amount": 1, "merchant": "charity", "ts": "2026-11-20T14:05:00Z"}
                {"stream": "payments", "card": "c2", "amount": 900, "merchant": "tv", "ts": "2026-11-20T14:05:04Z"}
                {"watermark": "2026-11-20T15:00:00Z", "stream": "payments"}
                """;
        HttpResponse<String> sent = server.send("POST", "/v1/events", "application/x-ndjson", events);
        assertEquals(202, sent.statusCode(), sent.body());

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-rule=small_then_big]"), 2));
        WebElement c1 = browser.findElement(By.xpath("//tr[@data-rule='small_then_big'][.//code[text()='c1']]"));
        c1.click();
        WebElement big = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".alert-detail .variable[data-variable=big]")));
        assertTrue(big.getText().contains("750") && big.getText().contains("watches"), big.getText());
        assertTrue(browser.findElement(By.cssSelector(".alert-detail .variable[data-variable=small]")).getText()
                .contains("charity"));
        screenshot("alerts");

        browser.findElement(By.name("severity-low")).click();   // small_then_big is high: filtered out
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-rule=small_then_big]"), 0));
        browser.findElement(By.name("severity-low")).click();
        browser.findElement(By.name("key")).sendKeys("c2");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-rule=small_then_big]"), 1));
        assertTrue(browser.findElement(By.cssSelector("tr[data-rule=small_then_big]")).getText().contains("c2"));
    }

    @Test
    @Order(4)
    void aBacktestShowsItsAlertsBesideTheLiveOnesAndAChangedCopyShowsTheDifference() throws Exception {
        JsonArray live = new JsonArray(server.get("/v1/alerts?rule=small_then_big").body());
        assertEquals(2, live.size(), "the alerts of the test before");
        open("/#/backtest/small_then_big");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("run-backtest"))).click();
        WebElement results = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("backtest-results")));
        assertEquals("2", results.findElement(By.cssSelector("[data-count=alerts]")).getText());
        assertTrue(results.findElement(By.cssSelector(".comparison [data-side=both]")).getText()
                .startsWith("2 also live"), results.getText());
        assertEquals(2, results.findElements(By.cssSelector("tbody tr[data-side=both]")).size());
        screenshot("backtest");

        browser.findElement(By.xpath("//button[normalize-space()='Edit a copy']")).click();
        WebElement copy = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".backtest-form "
                + ".cm-content")));
        wait.until(driver -> editorText().contains("RULE small_then_big"));
        copy.click();
        copy.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        copy.sendKeys(RULE.replace("amount >= 500", "amount >= 800").replace('\n', ' '));
        browser.findElement(By.id("run-backtest")).click();
        wait.until(driver -> driver.findElements(By.cssSelector("#backtest-results [data-count=alerts]")).stream()
                .anyMatch(count -> count.getText().equals("1")));
        WebElement changed = browser.findElement(By.id("backtest-results"));
        assertEquals("c2", changed.findElement(By.cssSelector("tbody tr[data-side=both] code")).getText());
        assertEquals("c1", changed.findElement(By.cssSelector("tbody tr[data-side=live] code")).getText(),
                "the live alert the stricter copy would not have made");
    }

    @Test
    @Order(5)
    void aKeysRunWaitsInItsStateCountedOnTheGraphAndExplainNamesTheFalseCondition() throws Exception {
        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", """
                RULE a_then_b FROM payments PARTITION BY card
                  PATTERN a -> b WITHIN 1 HOUR
                  DEFINE a AS amount < 2, b AS amount >= 500
                """);
        assertEquals(201, deployed.statusCode(), deployed.body());
        HttpResponse<String> sent = server.send("POST", "/v1/events", "application/x-ndjson", """
                {"stream": "payments", "card": "k1", "amount": 1, "merchant": "kiosk", "ts": "2026-11-20T16:00:00Z"}
                {"watermark": "2026-11-20T16:00:01Z", "stream": "payments"}
                """);
        assertEquals(202, sent.statusCode(), sent.body());

        open("/#/rules/a_then_b");
        WebElement graph = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg.nfa-graph")));
        wait.until(driver -> graph.findElements(By.cssSelector("g.nfa-state[data-state=b] .nfa-count[data-count='1']"))
                .size() == 1);   // the live count, polled
        browser.findElement(By.cssSelector("#key-form input[data-field=card]")).sendKeys("k1", Keys.ENTER);
        WebElement run = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#key-state .partial-match[data-state=b]")));
        assertTrue(run.findElement(By.cssSelector(".variable[data-variable=a]")).getText().contains("kiosk"),
                run.getText());
        assertTrue(run.findElement(By.cssSelector(".window-ends")).getText().contains("of event time"),
                run.getText());
        assertEquals(1, graph.findElements(By.cssSelector("g.nfa-state.marked[data-state=b]")).size(),
                "the state the run waits in is marked on the graph");
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, arguments[0].getBoundingClientRect().top "
                + "+ window.scrollY - 60)", browser.findElement(By.cssSelector(".nfa")));
        screenshot("key");

        WebElement event = browser.findElement(By.cssSelector("#explain-form textarea"));
        assertTrue(event.getAttribute("value").contains("\"card\": \"k1\""), "prefilled with the key typed: "
                + event.getAttribute("value"));
        event.clear();
        event.sendKeys("{\"stream\": \"payments\", \"card\": \"k1\", \"amount\": 100, "
                + "\"ts\": \"2026-11-20T16:00:05Z\"}");
        browser.findElement(By.xpath("//form[@id='explain-form']//button[normalize-space()='Explain']")).click();
        WebElement take = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#explanation .explain-run[data-state=b] tr.transition.failed[data-action=take]")));
        assertEquals("(amount >= 500)", take.findElement(By.cssSelector(".false-expression")).getText());
        assertEquals("100", take.findElement(By.cssSelector(".seen .value")).getText());
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, arguments[0].getBoundingClientRect().top "
                + "+ window.scrollY - 60)", browser.findElement(By.id("explain-form")));
        screenshot("explain");

        WebElement why = browser.findElement(By.id("explain-key"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", why);
        why.click();   // the key's own last event: the `a` its run holds
        WebElement last = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#explanation .last-event")));
        assertEquals("bound", last.getAttribute("data-status"));
    }

    @Test
    @Order(6)
    void theServerViewChartsTheMetricsAndTakesAndDeletesASavepoint() throws Exception {
        open("/#/server");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("readiness"), "Ready"));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".chart canvas"), 5));
        browser.findElement(By.name("savepoint")).sendKeys("before-upgrade");
        browser.findElement(By.xpath("//button[normalize-space()='Take savepoint']")).click();
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-savepoint=before-upgrade]")));
        assertEquals(200, server.get("/v1/savepoints/before-upgrade").statusCode());
        wait.until(driver -> driver.findElements(By.cssSelector(".chart-card[data-chart=eventsPerSecond] strong"))
                .stream().anyMatch(value -> value.getText().endsWith("/s")));
        screenshot("server");
        row.findElement(By.xpath(".//button[normalize-space()='Delete']")).click();
        row.findElement(By.xpath(".//button[normalize-space()='Yes, delete']")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-savepoint=before-upgrade]"), 0));
        assertEquals(404, server.get("/v1/savepoints/before-upgrade").statusCode());
    }

    @Test
    @Order(7)
    void onAPhoneTheViewsFitTheScreenWidth() throws Exception {
        Dimension laptop = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            for (String view : List.of("/#/rules", "/#/rules/small_then_big", "/#/editor", "/#/alerts", "/#/backtest",
                    "/#/server")) {
                open(view);
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("main h1")));
                long page = (Long) ((JavascriptExecutor) browser).executeScript(
                        "return document.documentElement.scrollWidth");
                long screen = (Long) ((JavascriptExecutor) browser).executeScript("return window.innerWidth");
                assertTrue(page <= screen, view + ": the page is " + page + " px wide on a " + screen
                        + " px screen (wide tables and graphs scroll in their own boxes)");
            }
            open("/#/rules");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-rule=small_then_big]")));
            screenshot("phone-rules");
        } finally {
            browser.manage().window().setSize(laptop);
        }
    }

    @Test
    @Order(8)
    void aServerWithTokensHasThePageAskForOneAndKeepItForTheSessionOnly() throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(new AccessToken(Role.ADMIN, "browser-secret")));
        try (RunningServer guarded = RunningServer.start(vertx, config)) {
            browser.get("http://127.0.0.1:" + guarded.port() + "/#/rules");
            WebElement prompt = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-prompt")));
            screenshot("token");
            prompt.findElement(By.name("token")).sendKeys("not-the-secret", Keys.ENTER);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#token-prompt .error"),
                    "unknown token"));
            WebElement field = browser.findElement(By.cssSelector("#token-prompt input[name=token]"));
            field.clear();
            field.sendKeys("browser-secret", Keys.ENTER);
            wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("token-prompt")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main"), "No rule runs yet"));
            JavascriptExecutor script = browser;
            assertEquals("browser-secret", script.executeScript("return sessionStorage.getItem('vigil.token')"));
            assertEquals(0L, script.executeScript("return localStorage.length"), "never kept beyond the session");
            assertTrue(browser.getCurrentUrl().endsWith("#/rules"), "no token in the URL: " + browser.getCurrentUrl());
        }
    }

    @Test
    @Order(9)
    void aRulesHistoryListsItsVersionsShowsTheirDiffAndRestoresAnOldOne() throws Exception {
        String v1 = "RULE versioned SEVERITY low FROM payments PARTITION BY card PATTERN big\n"
                + "  DEFINE big AS amount >= 900\n";
        String v2 = v1.replace("amount >= 900", "amount >= 950");
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", v1).statusCode());
        assertEquals(200, server.send("PUT", "/v1/rules/versioned", "text/plain", v2).statusCode());
        open("/#/rules/versioned");
        wait.until(driver -> driver.findElements(By.cssSelector("#rule-history tbody tr")).size() == 2);
        List<WebElement> rows = browser.findElements(By.cssSelector("#rule-history tbody tr"));
        assertEquals("2", rows.get(0).getAttribute("data-version"), "newest first");
        assertTrue(rows.get(1).getText().contains("replaced by v2"), rows.get(1).getText());
        assertTrue(rows.get(1).getText().contains("partial matches dropped"), rows.get(1).getText());
        WebElement diff = browser.findElement(By.cssSelector("#rule-history > .diff"));
        assertEquals("DEFINE big AS amount >= 900", diff.findElement(By.cssSelector(".diff-line.removed code"))
                .getText().trim());
        assertEquals("DEFINE big AS amount >= 950", diff.findElement(By.cssSelector(".diff-line.added code"))
                .getText().trim());
        ((JavascriptExecutor) browser).executeScript("document.getElementById('rule-history').scrollIntoView()");
        screenshot("rule-history");

        browser.findElement(By.cssSelector("#rule-history tr[data-version='1'] button.restore")).click();
        WebElement restore = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("restore-box")));
        assertTrue(restore.findElement(By.cssSelector(".diff-line.added code")).getText().contains("900"),
                "what restoring changes: " + restore.getText());
        restore.findElement(By.xpath(".//button[normalize-space()='Restore version 1']")).click();
        restore.findElement(By.xpath(".//button[normalize-space()='Yes, restore version 1']")).click();
        wait.until(driver -> driver.findElements(By.cssSelector("#rule-history tbody tr")).size() == 3);
        JsonObject running = new JsonObject(server.get("/v1/rules/versioned").body());
        assertEquals(3, running.getInteger("version"), "restored as a new version");
        assertEquals(v1, running.getString("source"));
    }

    @Test
    @Order(10)
    void aBacktestShowsItsProgressThenItsAlerts() throws Exception {
        open("/#/backtest/small_then_big");
        WebElement run = wait.until(ExpectedConditions.elementToBeClickable(By.id("run-backtest")));
        JavascriptExecutor script = browser;
        // the replay of this small log is quick: keep every progress text the page shows, however briefly
        script.executeScript("window.progressSeen = [];"
                + "new MutationObserver(() => { const p = document.querySelector('#backtest-progress');"
                + " if (p && p.querySelector('[data-progress=events]')) window.progressSeen.push(p.textContent); })"
                + ".observe(document.body, {subtree: true, childList: true, characterData: true});");
        run.click();
        WebElement results = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("backtest-results")));
        assertEquals("2", results.findElement(By.cssSelector("[data-count=alerts]")).getText());
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) script.executeScript("return window.progressSeen");
        assertTrue(!seen.isEmpty(), "the progress the server sent was shown");
        assertTrue(seen.get(0).contains("events read") && seen.get(0).contains("alerts so far")
                && seen.get(0).contains("of the log"), seen.get(0));
    }

    private static void open(String path) {
        browser.get("http://127.0.0.1:" + server.port() + path);
    }

    private static String editorText() {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('.cm-line')).map(l => l.textContent).join('\\n')");
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** The first of {@code names} found on the PATH, or null. */
    private static Path onPath(String... names) {
        for (String name : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
