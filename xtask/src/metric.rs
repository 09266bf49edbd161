//! The article-extraction-benchmark metric, reimplemented: counts of
//! 4-token shingles (tokens = `\w+` runs), true positives / false
//! positives / false negatives normalised per page, precision and recall
//! averaged over pages (a page with an empty prediction is left out of
//! precision), F1 from the two averages.

use std::collections::HashMap;

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        // Python's \w with re.UNICODE: alphanumerics and underscore.
        if c.is_alphanumeric() || c == '_' {
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn shingles(text: &str, n: usize) -> HashMap<Vec<String>, usize> {
    let tokens = tokens(text);
    let mut out = HashMap::new();
    let count = tokens.len().saturating_sub(n) + 1;
    for i in 0..count.max(1) {
        let shingle: Vec<String> = tokens[i.min(tokens.len())..(i + n).min(tokens.len())].to_vec();
        if !shingle.is_empty() {
            *out.entry(shingle).or_insert(0) += 1;
        }
    }
    out
}

/// Normalised (tp, fp, fn) of one page.
pub(crate) fn page_counts(truth: &str, pred: &str) -> (f64, f64, f64) {
    let t = shingles(truth, 4);
    let p = shingles(pred, 4);
    let (mut tp, mut fp, mut fnn) = (0.0, 0.0, 0.0);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc) as f64;
        fnn += tc.saturating_sub(pc) as f64;
    }
    for (k, &pc) in &p {
        let tc = t.get(k).copied().unwrap_or(0);
        fp += pc.saturating_sub(tc) as f64;
    }
    let s = tp + fp + fnn;
    if s > 0.0 {
        (tp / s, fp / s, fnn / s)
    } else {
        (0.0, 0.0, 0.0)
    }
}

fn precision(tp: f64, fp: f64, fnn: f64) -> f64 {
    if fp == 0.0 && fnn == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    }
}

fn recall(tp: f64, fp: f64, fnn: f64) -> f64 {
    if fp == 0.0 && fnn == 0.0 {
        1.0
    } else if tp == 0.0 && fnn == 0.0 {
        0.0
    } else {
        tp / (tp + fnn)
    }
}

/// (precision, recall, F1) over pages.
pub(crate) fn summary(pages: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let ps: Vec<f64> = pages
        .iter()
        .filter(|(tp, fp, _)| tp + fp > 0.0)
        .map(|&(tp, fp, fnn)| precision(tp, fp, fnn))
        .collect();
    let rs: Vec<f64> = pages
        .iter()
        .filter(|(tp, _, fnn)| tp + fnn > 0.0)
        .map(|&(tp, fp, fnn)| recall(tp, fp, fnn))
        .collect();
    let p = ps.iter().sum::<f64>() / ps.len().max(1) as f64;
    let r = rs.iter().sum::<f64>() / rs.len().max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Per-page F1, for listing the worst pages.
pub(crate) fn page_f1(c: (f64, f64, f64)) -> f64 {
    let p = precision(c.0, c.1, c.2);
    let r = recall(c.0, c.1, c.2);
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_text_scores_one() {
        let c = page_counts("a b c d e f", "a b c d e f");
        assert_eq!(c, (1.0, 0.0, 0.0));
        let (p, r, f) = summary(&[c]);
        assert_eq!((p, r, f), (1.0, 1.0, 1.0));
    }

    #[test]
    fn extra_text_costs_precision_only() {
        let c = page_counts("a b c d e", "a b c d e x y z w");
        assert!(c.0 > 0.0 && c.1 > 0.0 && c.2 == 0.0);
    }
}
