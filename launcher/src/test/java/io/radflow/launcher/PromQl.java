package io.radflow.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading to cross-check queries against the meters the code registers: the
 * metric selectors of an expression with the label names they match on, the values its equality
 * matchers select, and the labels it groups by. Function names, keywords, range durations and
 * grouping lists are not metrics.
 */
final class PromQl {

    /** A metric named in a query, with the labels of its {...} matchers. */
    record Selector(String metric, Set<String> matcherLabels) {
    }

    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?\\s*(\\()?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    private PromQl() {
    }

    static List<Selector> selectors(String expr) {
        List<Selector> out = new ArrayList<>();
        selectorMatches(expr).forEach(m -> out.add(new Selector(m.group(1), matcherLabels(m.group(2)))));
        return out;
    }

    /** The label="value" matchers (equality only) of every selector of an expression, label to value. */
    static Map<String, String> equalityMatchers(String expr) {
        Map<String, String> out = new LinkedHashMap<>();
        for (MatchResult m : selectorMatches(expr)) {
            if (m.group(2) != null) {
                Matcher e = MATCHER.matcher(m.group(2));
                while (e.find()) {
                    if (e.group(2).equals("=")) {
                        out.put(e.group(1), e.group(3));
                    }
                }
            }
        }
        return out;
    }

    /** Metric selectors: group 1 the name, group 2 its {...} or null. */
    private static List<MatchResult> selectorMatches(String expr) {
        String rest = RANGE.matcher(GROUPING.matcher(expr).replaceAll(" ")).replaceAll(" ");
        List<MatchResult> out = new ArrayList<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            boolean function = m.group(3) != null && m.group(2) == null;
            if (!function && !KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                out.add(m.toMatchResult());
            }
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
