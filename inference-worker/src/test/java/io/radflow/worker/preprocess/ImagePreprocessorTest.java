package io.radflow.worker.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static float[] run(float[] px, int rows, int cols, Double c, Double w, Map<String, String> args, int outR, int outC, int ch) {
        FloatBuffer buf = FloatBuffer.allocate(ch * outR * outC);
        ImagePreprocessor.write(px, rows, cols, c, w, PreprocessSettings.from(args), ch, outR, outC, buf);
        assertThat(buf.position()).isEqualTo(ch * outR * outC);
        return buf.array();
    }

    @Test
    void shouldApplyTheDicomLinearWindow() {
        // center 40, width 400: [-160, 240] maps to [0, 1] (PS3.3 C.11.2.1.2.1).
        float[] out = run(new float[] {-1000, -160, 39.5f, 239, 3000}, 1, 5, 40.0, 400.0, Map.of(), 1, 5, 1);
        assertThat(out[0]).isEqualTo(0f);
        assertThat(out[1]).isCloseTo(0f, within(1e-6f));
        assertThat(out[2]).isCloseTo(0.5f, within(1e-6f));
        assertThat(out[3]).isCloseTo(1f, within(1e-6f));
        assertThat(out[4]).isEqualTo(1f);
    }

    @Test
    void shouldPreferTheArgsWindowAndFallBackToTheFrameRange() {
        assertThat(run(new float[] {0, 100}, 1, 2, 1000.0, 10.0, Map.of("window.center", "50.5", "window.width", "101"), 1, 2, 1))
                .containsExactly(0f, 1f);
        assertThat(run(new float[] {10, 20, 30}, 1, 3, null, null, Map.of(), 1, 3, 1)).containsExactly(0f, 0.5f, 1f);
        assertThat(run(new float[] {7, 7}, 1, 2, null, null, Map.of(), 1, 2, 1)).containsExactly(0f, 0f);
    }

    @Test
    void shouldResizeBilinearlyWithHalfPixelCentres() {
        // 1x2 -> 1x4: source centres at 0.25 and 0.75 of the row; outside them the edge values hold.
        float[] out = run(new float[] {0, 1}, 1, 2, null, null, Map.of(), 1, 4, 1);
        assertThat(out).containsExactly(0f, 0.25f, 0.75f, 1f);
        // 2x2 -> 1x1 samples the centre: the mean of the four (windowed to the range 0..1 first).
        assertThat(run(new float[] {0, 1, 1, 0.5f}, 2, 2, null, null, Map.of(), 1, 1, 1)[0]).isCloseTo(0.625f, within(1e-6f));
    }

    @Test
    void shouldNormaliseAndRepeatTheGreyImagePerChannel() {
        float[] out = run(new float[] {0, 10}, 1, 2, null, null, Map.of("input.mean", "0.5", "input.std", "0.25"), 1, 2, 3);
        assertThat(out).containsExactly(-2f, 2f, -2f, 2f, -2f, 2f);
    }

    @Test
    void shouldRefuseArgsThatAreNotNumbersOrHalfAWindow() {
        assertThatThrownBy(() -> PreprocessSettings.from(Map.of("window.center", "wide", "window.width", "1")))
                .isInstanceOfSatisfying(RadflowException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_EVENT))
                .hasMessageContaining("window.center must be a number, got 'wide'");
        assertThatThrownBy(() -> PreprocessSettings.from(Map.of("window.center", "40"))).hasMessageContaining("both");
        assertThatThrownBy(() -> PreprocessSettings.from(Map.of("input.std", "0"))).hasMessageContaining("must not be 0");
    }
}
