package io.radflow.worker.postprocess;

import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.schemas.avro.Scope;
import io.radflow.worker.runtime.ImageGeometry;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelOutput.ClassScore;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.OutputData.BoxData;
import io.radflow.worker.runtime.OutputData.MaskData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns per-frame output tensors into MD.ai outputs for one request. Channel {@code c} of every
 * output stands for the label class with class index {@code c}.
 * <ul>
 *   <li>Classification outputs ({@code [N, C]}): per-frame probabilities (after the configured
 *       activation) are averaged over the group the GLOBAL labels' scope names (instance, series
 *       or study; the narrowest when labels differ), giving one output per group with the arg-max
 *       class and every class's probability.</li>
 *   <li>Segmentation outputs ({@code [N, C, H, W]}): each channel is upsampled to the frame's size
 *       (nearest neighbour) and thresholded. A MASK label gives one mask per frame; a BBOX label
 *       one box per 4-connected region. The probability is the highest pixel value inside.</li>
 * </ul>
 * A file that ends up with no output gets MD.ai's NONE result. Outputs come in a fixed order
 * (heads, then files, frames, classes and regions), so prediction ids are stable across retries.
 */
public final class TensorPostprocessor {

    private TensorPostprocessor() {
    }

    /** What kind of output tensor a head is, from its rank. */
    public enum HeadKind { CLASSIFICATION, SEGMENTATION }

    /** The values of one output tensor for one request, per file of the request. */
    public record HeadValues(String name, HeadKind kind, int channels, List<FileValues> perFile) {
    }

    /**
     * One file's values of one output tensor.
     *
     * @param rows   height of the segmentation maps (0 for classification)
     * @param frames per frame: {@code channels} values (classification) or {@code channels x rows x
     *               columns} values (segmentation), channel-major
     */
    public record FileValues(int rows, int columns, List<float[]> frames) {
    }

    public static List<ModelOutput> outputs(ModelRequest request, List<HeadValues> heads, PostprocessSettings settings) {
        Map<Integer, LabelClass> labels = new LinkedHashMap<>();
        request.labelClasses().forEach(l -> labels.put(l.getClassIndex(), l));
        List<ModelOutput> out = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (HeadValues head : heads) {
            if (head.kind() == HeadKind.CLASSIFICATION) {
                classify(request, head, classificationScope(request.labelClasses()), settings, out, covered);
            } else {
                segment(request, head, labels, settings, out, covered);
            }
        }
        for (ModelFile f : request.files()) {
            if (!covered.contains(f.instanceUid())) {
                out.add(ModelOutput.none(f.studyUid(), f.seriesUid(), f.instanceUid()));
            }
        }
        return out;
    }

    static Scope classificationScope(List<LabelClass> labels) {
        return labels.stream().filter(l -> l.getType() == LabelType.GLOBAL).map(LabelClass::getScope)
                .min(Enum::compareTo).orElse(Scope.INSTANCE);
    }

    private static void classify(ModelRequest request, HeadValues head, Scope scope, PostprocessSettings settings,
                                 List<ModelOutput> out, Set<String> covered) {
        record Group(ModelFile first, double[] sum, int[] count, List<String> instances) {
        }
        Map<String, Group> groups = new LinkedHashMap<>();
        for (int f = 0; f < request.files().size(); f++) {
            ModelFile file = request.files().get(f);
            String key = switch (scope) {
                case INSTANCE -> file.studyUid() + "/" + file.seriesUid() + "/" + file.instanceUid();
                case SERIES -> file.studyUid() + "/" + file.seriesUid();
                case STUDY -> file.studyUid();
            };
            Group g = groups.computeIfAbsent(key, k -> new Group(file, new double[head.channels()], new int[1], new ArrayList<>()));
            g.instances().add(file.instanceUid());
            for (float[] frame : head.perFile().get(f).frames()) {
                double[] p = activate(frame, settings.activation());
                for (int c = 0; c < p.length; c++) {
                    g.sum()[c] += p[c];
                }
                g.count()[0]++;
            }
        }
        for (Group g : groups.values()) {
            List<ClassScore> scores = new ArrayList<>();
            int best = 0;
            for (int c = 0; c < g.sum().length; c++) {
                double p = g.sum()[c] / g.count()[0];
                scores.add(new ClassScore(c, p));
                if (p > scores.get(best).probability()) {
                    best = c;
                }
            }
            ModelFile f = g.first();
            out.add(ModelOutput.annotation(f.studyUid(), scope == Scope.STUDY ? null : f.seriesUid(),
                    scope == Scope.INSTANCE ? f.instanceUid() : null, null, best, null, null, scores));
            covered.addAll(g.instances());
        }
    }

    static double[] activate(float[] scores, PostprocessSettings.Activation activation) {
        double[] p = new double[scores.length];
        switch (activation) {
            case NONE -> {
                for (int i = 0; i < p.length; i++) {
                    p[i] = scores[i];
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < p.length; i++) {
                    p[i] = 1 / (1 + Math.exp(-scores[i]));
                }
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (float s : scores) {
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int i = 0; i < p.length; i++) {
                    p[i] = Math.exp(scores[i] - max);
                    sum += p[i];
                }
                for (int i = 0; i < p.length; i++) {
                    p[i] /= sum;
                }
            }
        }
        return p;
    }

    private static void segment(ModelRequest request, HeadValues head, Map<Integer, LabelClass> labels,
                                PostprocessSettings settings, List<ModelOutput> out, Set<String> covered) {
        for (int f = 0; f < request.files().size(); f++) {
            ModelFile file = request.files().get(f);
            ImageGeometry g = file.geometry();
            FileValues values = head.perFile().get(f);
            int mapSize = values.rows() * values.columns();
            List<float[]> frames = values.frames();
            for (int k = 0; k < frames.size(); k++) {
                Integer frameNumber = g.multiFrame() ? k : null;
                for (int c = 0; c < head.channels(); c++) {
                    float[] prob = upsampleNearest(frames.get(k), c * mapSize, values.rows(), values.columns(), g.rows(), g.columns());
                    boolean[] mask = new boolean[prob.length];
                    boolean any = false;
                    for (int i = 0; i < prob.length; i++) {
                        mask[i] = prob[i] > settings.maskThreshold();
                        any |= mask[i];
                    }
                    if (!any) {
                        continue;
                    }
                    LabelClass label = labels.get(c);
                    if (label != null && label.getAnnotationMode() == AnnotationMode.BBOX) {
                        for (int[] region : Components.of(mask, g.rows(), g.columns())) {
                            if (region.length >= settings.bboxMinPixels()) {
                                out.add(box(file, frameNumber, c, region, prob, g.columns()));
                            }
                        }
                    } else {
                        byte[] pixels = new byte[mask.length];
                        double max = 0;
                        for (int i = 0; i < mask.length; i++) {
                            if (mask[i]) {
                                pixels[i] = 1;
                                max = Math.max(max, prob[i]);
                            }
                        }
                        out.add(ModelOutput.annotation(file.studyUid(), file.seriesUid(), file.instanceUid(), frameNumber, c,
                                new MaskData(g.rows(), g.columns(), pixels), max, null));
                    }
                    covered.add(file.instanceUid());
                }
            }
        }
    }

    private static ModelOutput box(ModelFile file, Integer frameNumber, int classIndex, int[] region, float[] prob, int columns) {
        int minR = Integer.MAX_VALUE;
        int minC = Integer.MAX_VALUE;
        int maxR = -1;
        int maxC = -1;
        double max = 0;
        for (int p : region) {
            int r = p / columns;
            int c = p % columns;
            minR = Math.min(minR, r);
            maxR = Math.max(maxR, r);
            minC = Math.min(minC, c);
            maxC = Math.max(maxC, c);
            max = Math.max(max, prob[p]);
        }
        return ModelOutput.annotation(file.studyUid(), file.seriesUid(), file.instanceUid(), frameNumber, classIndex,
                new BoxData(minC, minR, maxC - minC + 1, maxR - minR + 1), max, null);
    }

    /** Nearest-neighbour upsampling of one channel (starting at {@code offset}) to the frame's size. */
    static float[] upsampleNearest(float[] values, int offset, int inRows, int inCols, int outRows, int outCols) {
        int[] xs = new int[outCols];
        for (int x = 0; x < outCols; x++) {
            xs[x] = Math.min((int) Math.floor((x + 0.5) * inCols / outCols), inCols - 1);
        }
        float[] out = new float[outRows * outCols];
        for (int y = 0; y < outRows; y++) {
            int sy = Math.min((int) Math.floor((y + 0.5) * inRows / outRows), inRows - 1);
            int row = offset + sy * inCols;
            for (int x = 0; x < outCols; x++) {
                out[y * outCols + x] = values[row + xs[x]];
            }
        }
        return out;
    }
}
