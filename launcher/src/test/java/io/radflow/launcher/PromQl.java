package io.radflow.launcher;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading to cross-check queries against the meters the code registers: the
 * metric selectors of an expression with the label names they match on, and the labels it groups
 * by. Function names, keywords, range durations and grouping lists are not metrics.
 */
final class PromQl {

    /** A metric named in a query, with the labels of its {...} matchers. */
    record Selector(String metric, Set<String> matcherLabels) {
    }

    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?\\s*(\\()?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    private PromQl() {
    }

    static List<Selector> selectors(String expr) {
        String rest = RANGE.matcher(GROUPING.matcher(expr).replaceAll(" ")).replaceAll(" ");
        List<Selector> out = new ArrayList<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            String name = m.group(1);
            boolean function = m.group(3) != null && m.group(2) == null;
            if (function || KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            out.add(new Selector(name, matcherLabels(m.group(2))));
        }
        return out;
    }

    static Set<String> groupingLabels(String expr) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = GROUPING.matcher(expr);
        while (m.find()) {
            for (String label : m.group(2).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        return labels;
    }

    private static Set<String> matcherLabels(String braces) {
        Set<String> labels = new LinkedHashSet<>();
        if (braces != null) {
            Matcher m = MATCHER.matcher(braces);
            while (m.find()) {
                labels.add(m.group(1));
            }
        }
        return labels;
    }
}
