package io.radflow.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.schemas.avro.ClassProbability;
import io.radflow.schemas.avro.InferenceJob;
import io.radflow.schemas.avro.JobState;
import io.radflow.schemas.avro.Scope;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real headless Chromium (Debian's chromium and chromedriver, paths given, so
 * Selenium downloads nothing), against the viewer on the real broker. The canvas is read back:
 * the CT frame is grey, overlays are coloured, so a coloured pixel is an overlay and a grey one is
 * not. Screenshots go to target/screenshots for review.
 */
class ViewerBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path content;

    private static ViewerFixture data;
    private static ViewerService viewer;
    private static WebDriver browser;
    private static ViewerFixture.StudyIds study;

    @BeforeAll
    static void start() throws Exception {
        data = new ViewerFixture(content);
        data.projectsAndKeys();
        study = data.ids(data.privateProject, "browser");
        data.upload(study);
        InferenceJob seg = data.job(study, "job-seg-b-" + data.run, data.modelId, Scope.INSTANCE, study.sop(), 0, null);
        data.status(seg, JobState.SUCCEEDED, data.segmentationOutputs(seg).size());
        InferenceJob triage = data.job(study, "job-cls-b-" + data.run, data.classifierId, Scope.STUDY, study.study(), 0, null);
        data.prediction(triage, 0, 1, null, List.of(new ClassProbability(0, 0.3), new ClassProbability(1, 0.7)), "refer", false);
        data.status(triage, JobState.SUCCEEDED, 1);
        viewer = data.startViewer();

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1500,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (viewer != null) {
            viewer.close();
        }
        if (data != null) {
            data.close();
        }
    }

    /** What the page showed when a test ended, for the report: a screenshot and the page's messages. */
    @AfterEach
    void keepTheLastPage(TestInfo test) throws IOException {
        screenshot("last-" + test.getTestMethod().map(m -> m.getName()).orElse("test") + ".png");
        System.out.println("page " + browser.getCurrentUrl() + " studies-message='" + browser.findElement(By.id("studies-message")).getText()
                + "' frame-message='" + browser.findElement(By.id("frame-message")).getText() + "'");
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** The canvas pixel over image pixel (x, y) of the frame shown, as [r, g, b]. */
    @SuppressWarnings("unchecked")
    private static int[] pixel(double x, double y) {
        List<Long> rgb = (List<Long>) js("const [cx, cy] = window.radflowViewer.toCanvas(arguments[0], arguments[1]);"
                + "const d = document.getElementById('frame').getContext('2d').getImageData(Math.floor(cx), Math.floor(cy), 1, 1).data;"
                + "return [d[0], d[1], d[2]];", x, y);
        return new int[] {rgb.get(0).intValue(), rgb.get(1).intValue(), rgb.get(2).intValue()};
    }

    private static boolean coloured(double x, double y) {
        int[] p = pixel(x, y);
        return Math.max(Math.abs(p[0] - p[1]), Math.max(Math.abs(p[1] - p[2]), Math.abs(p[0] - p[2]))) > 30;
    }

    private static boolean grey(double x, double y) {
        int[] p = pixel(x, y);
        return Math.abs(p[0] - p[1]) <= 2 && Math.abs(p[1] - p[2]) <= 2;
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void openProject(String key) {
        browser.get(viewer.url() + "/");
        var field = browser.findElement(By.id("api-key"));
        field.clear();
        field.sendKeys(key + "\t");
        waitUpTo(15).until(d -> !d.findElements(By.cssSelector("#project option[value='" + data.privateProject + "']")).isEmpty());
        new Select(browser.findElement(By.id("project"))).selectByValue(data.privateProject);
        waitUpTo(15).until(d -> !d.findElements(By.cssSelector("tr[data-study='" + study.study() + "']")).isEmpty());
    }

    @Test
    void shouldListAStudyWithinSecondsOfItsUploadWithoutAReload() throws Exception {
        openProject(data.keys.get("alice"));
        waitUpTo(15).until(d -> d.findElement(By.id("live")).getText().equals("live"));
        js("window.__notReloaded = true;");
        ViewerFixture.StudyIds fresh = data.ids(data.privateProject, "fresh-upload");
        long start = System.nanoTime();
        data.upload(fresh);
        waitUpTo(10).until(d -> !d.findElements(By.cssSelector("tr[data-study='" + fresh.study() + "']")).isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(js("return window.__notReloaded === true;")).isEqualTo(true);
        screenshot("viewer-study-list.png");
    }

    @Test
    void shouldDrawEveryOverlayKindAtItsPlaceAndHideAModelWithItsToggle() throws Exception {
        openProject(data.keys.get("alice"));
        browser.findElement(By.cssSelector("tr[data-study='" + study.study() + "']")).click();
        waitUpTo(20).until(d -> Boolean.TRUE.equals(js("return window.radflowViewer.hasImage() && window.radflowViewer.image().sop === arguments[0];",
                study.sop())));
        waitUpTo(10).until(d -> !d.findElements(By.cssSelector("input[data-toggle='" + data.modelId + "']")).isEmpty());

        // mask rows/columns 10-29; box x 70-110, y 10-40; point at (100, 100); polygon (20,60) (50,60) (35,90)
        assertThat(coloured(20, 20)).as("inside the mask").isTrue();
        assertThat(grey(35, 20)).as("right of the mask").isTrue();
        assertThat(coloured(90, 25)).as("inside the box").isTrue();
        assertThat(grey(90, 50)).as("below the box").isTrue();
        assertThat(coloured(100, 100)).as("on the point").isTrue();
        assertThat(grey(100, 90)).as("above the point").isTrue();
        assertThat(coloured(35, 70)).as("inside the polygon").isTrue();
        assertThat(grey(60, 75)).as("right of the polygon").isTrue();
        String side = browser.findElement(By.id("side")).getText();
        assertThat(side).contains("lesion-finder").contains("Liver").contains("Nodule").contains("Landmark")
                .contains("triage · study: Abnormal").contains("Abnormal 0.70").contains("refer")
                .contains("instance: Nodule").contains("no finding worth a second read");
        screenshot("viewer-study.png");

        // The model's toggle hides all its overlays; a label's toggle only that label's.
        browser.findElement(By.cssSelector("input[data-toggle='" + data.modelId + "|1']")).click();
        assertThat(grey(90, 25)).as("box hidden with its label").isTrue();
        assertThat(coloured(20, 20)).as("mask still shown").isTrue();
        browser.findElement(By.cssSelector("input[data-toggle='" + data.modelId + "|1']")).click();
        browser.findElement(By.cssSelector("input[data-toggle='" + data.modelId + "']")).click();
        assertThat(grey(20, 20)).as("mask hidden with its model").isTrue();
        assertThat(grey(90, 25)).as("box hidden with its model").isTrue();
        assertThat(grey(100, 100)).as("point hidden with its model").isTrue();
        screenshot("viewer-study-model-hidden.png");
        browser.findElement(By.cssSelector("input[data-toggle='" + data.modelId + "']")).click();
        assertThat(coloured(20, 20)).as("mask shown again").isTrue();

        // The next instance's content is gone: no image, and the page says why.
        browser.findElement(By.id("next")).click();
        waitUpTo(10).until(d -> d.findElement(By.id("frame-message")).getText().startsWith("No image:"));
        assertThat(browser.findElement(By.id("frame-message")).getText()).contains("no content at");
    }
}
