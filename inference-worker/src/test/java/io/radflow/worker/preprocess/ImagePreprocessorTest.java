package io.radflow.worker.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.pixels.image.ImageFrame;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private static float[] run(float[] px, int rows, int cols, Double c, Double w, Map<String, String> args, int outR, int outC, int ch) {
        return run(new ImageFrame(rows, cols, 1, px, false, c, w, 65535), args, outR, outC, ch);
    }

    private static float[] run(ImageFrame frame, Map<String, String> args, int outR, int outC, int ch) {
        FloatBuffer buf = FloatBuffer.allocate(ch * outR * outC);
        ImagePreprocessor.write(frame, PreprocessSettings.from(args), ch, outR, outC, buf);
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
    void shouldResizeToTheSameValuesAsThePerPixelFormula() {
        java.util.Random random = new java.util.Random(7);
        int[][] sizes = {{128, 128, 224, 224}, {300, 200, 224, 224}, {1, 5, 4, 3}, {5, 1, 9, 2}, {7, 9, 7, 4}, {512, 64, 33, 224}};
        for (int[] s : sizes) {
            float[] src = new float[s[0] * s[1]];
            for (int i = 0; i < src.length; i++) {
                src[i] = random.nextFloat() * 1000 - 500;
            }
            assertThat(ImagePreprocessor.resizeBilinear(src, s[0], s[1], s[2], s[3]))
                    .as("%dx%d to %dx%d", s[0], s[1], s[2], s[3]).containsExactly(perPixel(src, s[0], s[1], s[2], s[3]));
        }
    }

    /** The bilinear resize computed pixel by pixel, as the worker did before the separable version. */
    private static float[] perPixel(float[] src, int inRows, int inCols, int outRows, int outCols) {
        float[] out = new float[outRows * outCols];
        for (int oy = 0; oy < outRows; oy++) {
            double sy = Math.min(Math.max((oy + 0.5) * ((double) inRows / outRows) - 0.5, 0), inRows - 1);
            int r0 = (int) Math.floor(sy);
            int r1 = Math.min(r0 + 1, inRows - 1);
            float wy = (float) (sy - r0);
            for (int ox = 0; ox < outCols; ox++) {
                double sx = Math.min(Math.max((ox + 0.5) * ((double) inCols / outCols) - 0.5, 0), inCols - 1);
                int c0 = (int) Math.floor(sx);
                int c1 = Math.min(c0 + 1, inCols - 1);
                float wx = (float) (sx - c0);
                float top = src[r0 * inCols + c0] + (src[r0 * inCols + c1] - src[r0 * inCols + c0]) * wx;
                float bottom = src[r1 * inCols + c0] + (src[r1 * inCols + c1] - src[r1 * inCols + c0]) * wx;
                out[oy * outCols + ox] = top + (bottom - top) * wy;
            }
        }
        return out;
    }

    @Test
    void shouldNormaliseAndRepeatTheGreyImagePerChannel() {
        float[] out = run(new float[] {0, 10}, 1, 2, null, null, Map.of("input.mean", "0.5", "input.std", "0.25"), 1, 2, 3);
        assertThat(out).containsExactly(-2f, 2f, -2f, 2f, -2f, 2f);
    }

    @Test
    void shouldFlipMonochrome1SoThatDenseStaysBright() {
        // MONOCHROME1: the lowest value is white. After the window, 1 - v.
        ImageFrame m1 = new ImageFrame(1, 3, 1, new float[] {0, 50, 100}, true, null, null, 255);
        assertThat(run(m1, Map.of(), 1, 3, 1)).containsExactly(1f, 0.5f, 0f);
        assertThat(run(m1, Map.of("window.center", "50.5", "window.width", "101"), 1, 3, 1)).containsExactly(1f, 0.5f, 0f);
    }

    @Test
    void shouldFeedColourAsItsPlanesToAThreeChannelModel() {
        // two RGB pixels, interleaved: (255, 0, 51) and (0, 255, 102); colour ignores the window args.
        ImageFrame rgb = new ImageFrame(1, 2, 3, new float[] {255, 0, 51, 0, 255, 102}, false, null, null, 255);
        float[] out = run(rgb, Map.of("window.center", "0", "window.width", "2"), 1, 2, 3);
        assertThat(out).containsExactly(new float[] {1f, 0f, 0f, 1f, 0.2f, 0.4f}, within(1e-6f));
    }

    @Test
    void shouldFeedColourAsLuminanceToAOneChannelModel() {
        ImageFrame rgb = new ImageFrame(1, 2, 3, new float[] {255, 0, 0, 255, 255, 255}, false, null, null, 255);
        float[] out = run(rgb, Map.of(), 1, 2, 1);
        assertThat(out[0]).isCloseTo(0.299f, within(1e-6f));
        assertThat(out[1]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void shouldRefuseAColourImageForAModelOfAnotherChannelCount() {
        ImageFrame rgb = new ImageFrame(1, 1, 3, new float[] {1, 2, 3}, false, null, null, 255);
        assertThatThrownBy(() -> run(rgb, Map.of(), 1, 1, 4))
                .isInstanceOfSatisfying(RadflowException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MODEL_ERROR))
                .hasMessageContaining("4 channels");
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
