//! Splitting a template file into front matter and body parts, and checking the front matter.
//! Every error names the file and the line, because template authors are users too.

use super::{BUILTIN_VARS, Combine, Output, VarSpec, is_identifier};
use crate::engine::GenParams;
use crate::error::{Error, Result};
use crate::text::entity::EntityKind;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

/// Operations the built-in engine can perform without a model.
const BUILTIN_OPS: &[&str] = &["summarize", "extract"];

pub(super) struct Parsed {
    pub description: String,
    pub variables: Vec<VarSpec>,
    pub params: GenParams,
    pub output: Output,
    pub combine: Combine,
    pub builtin: Option<String>,
    pub patterns: Vec<EntityKind>,
    /// Fields of the answer's records whose values must occur in the document.
    pub ground: Vec<String>,
    /// (template source, first file line) of each part.
    pub system: Option<(String, usize)>,
    pub user: (String, usize),
}

pub(super) fn parse(file: &str, source: &str) -> Result<Parsed> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let lines: Vec<&str> = source.lines().collect();
    let syntax = |line: usize, reason: String| Error::TemplateSyntax {
        file: file.to_string(),
        line,
        reason,
    };

    // Front matter is optional so that a bare `[user]` prompt works as an ad-hoc template.
    let (front, body_start) = if lines.first().map(|l| l.trim_end()) == Some("---") {
        let close = lines
            .iter()
            .skip(1)
            .position(|l| l.trim_end() == "---")
            .map(|i| i + 1)
            .ok_or_else(|| {
                syntax(
                    1,
                    "front matter is not closed: add a line `---` after it".into(),
                )
            })?;
        (Some(&lines[1..close]), close + 1)
    } else {
        (None, 0)
    };

    let mut raw = match front {
        Some(front_lines) => parse_front(file, front_lines)?,
        None => RawFront::default(),
    };
    let key_line = |key: &str| {
        front
            .and_then(|f| f.iter().position(|l| l.starts_with(&format!("{key}:"))))
            .map_or(1, |i| i + 2)
    };
    let front_err = |key: &str, reason: String| syntax(key_line(key), reason);

    let variables = check_variables(std::mem::take(&mut raw.variables), &front_err)?;
    let params = check_params(std::mem::take(&mut raw.params), &front_err)?;
    let output = match std::mem::take(&mut raw.output) {
        RawOutput::Text => Output::Text,
        RawOutput::Schema(schema) => {
            if !schema.is_object() {
                return Err(front_err(
                    "output",
                    "output.schema must be a JSON Schema object (a mapping)".into(),
                ));
            }
            Output::Schema(schema)
        }
    };
    let combine = check_combine(&raw, &output, &front_err)?;
    if let Some(op) = &raw.builtin
        && !BUILTIN_OPS.contains(&op.as_str())
    {
        return Err(front_err(
            "builtin",
            format!(
                "unknown builtin {op:?}; expected one of: {}",
                BUILTIN_OPS.join(", ")
            ),
        ));
    }

    let mut patterns = Vec::new();
    for p in &raw.patterns {
        let kind = p.parse::<EntityKind>().map_err(|_| {
            front_err(
                "patterns",
                format!("unknown pattern kind {p:?} in `patterns`"),
            )
        })?;
        patterns.push(kind);
    }
    if !raw.ground.is_empty() && !matches!(output, Output::Schema(_)) {
        return Err(front_err(
            "ground",
            "`ground` names fields of a JSON answer: it needs `output: schema`".into(),
        ));
    }
    if !patterns.is_empty() && raw.builtin.as_deref() != Some("extract") {
        return Err(front_err(
            "patterns",
            "`patterns` applies only to templates with `builtin: extract`".into(),
        ));
    }

    let (system, user) = split_body(&lines, body_start, &syntax)?;
    Ok(Parsed {
        description: raw.description.trim().to_string(),
        variables,
        params,
        output,
        combine,
        builtin: raw.builtin,
        patterns,
        ground: raw.ground,
        system,
        user,
    })
}

fn parse_front(file: &str, front_lines: &[&str]) -> Result<RawFront> {
    // Pad with one empty line per line above the front matter (the opening `---`) so that the
    // YAML parser's line numbers are line numbers of the file.
    let yaml = format!("\n{}", front_lines.join("\n"));
    if yaml.trim().is_empty() {
        return Ok(RawFront::default());
    }
    serde_yaml_ng::from_str::<RawFront>(&yaml).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line());
        Error::TemplateSyntax {
            file: file.to_string(),
            line,
            reason: format!("front matter: {}", strip_position(&e.to_string())),
        }
    })
}

/// serde_yaml appends " at line L column C"; the line is already in the error's prefix.
fn strip_position(msg: &str) -> String {
    let mut out = msg.to_string();
    while let Some(i) = out.find(" at line ") {
        let rest = &out[i + " at line ".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let mut end = i + " at line ".len() + digits;
        if let Some(col) = out[end..].strip_prefix(" column ") {
            let n = col.chars().take_while(char::is_ascii_digit).count();
            end += " column ".len() + n;
        }
        out.replace_range(i..end, "");
    }
    out
}

/// Finds `[system]` and `[user]` and returns each part's text with its first file line.
#[allow(clippy::type_complexity)]
fn split_body(
    lines: &[&str],
    body_start: usize,
    syntax: &dyn Fn(usize, String) -> Error,
) -> Result<(Option<(String, usize)>, (String, usize))> {
    let mut markers: Vec<(usize, &str)> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(body_start) {
        let t = line.trim_end();
        if t == "[system]" || t == "[user]" {
            if let Some((prev, _)) = markers.iter().find(|(_, m)| *m == t) {
                return Err(syntax(
                    i + 1,
                    format!("second `{t}` line (the first is on line {})", prev + 1),
                ));
            }
            markers.push((
                i,
                if t == "[system]" {
                    "[system]"
                } else {
                    "[user]"
                },
            ));
        }
    }
    let first_marker = markers.first().map_or(lines.len(), |(i, _)| *i);
    if let Some(i) =
        (body_start..first_marker).find(|&i| !lines.get(i).is_none_or(|l| l.trim().is_empty()))
    {
        return Err(syntax(
            i + 1,
            "text before the first `[system]` or `[user]` line; every part of the body must be introduced by one of them (use {# … #} for comments)".into(),
        ));
    }

    let mut system = None;
    let mut user = None;
    for (k, (i, marker)) in markers.iter().enumerate() {
        let end = markers.get(k + 1).map_or(lines.len(), |(j, _)| *j);
        let text = lines[i + 1..end].join("\n");
        let part = (text, i + 2);
        if *marker == "[system]" {
            system = Some(part);
        } else {
            user = Some(part);
        }
    }
    let Some(user) = user else {
        return Err(syntax(
            lines.len().max(1),
            "the body has no `[user]` line; a template needs a [user] part (and may have a [system] part before it)".into(),
        ));
    };
    if user.0.trim().is_empty() {
        return Err(syntax(user.1 - 1, "the [user] part is empty".into()));
    }
    Ok((system, user))
}

type FrontErr<'a> = &'a dyn Fn(&str, String) -> Error;

fn check_variables(raw: RawVars, err: FrontErr<'_>) -> Result<Vec<VarSpec>> {
    let mut out: Vec<VarSpec> = Vec::with_capacity(raw.0.len());
    for (name, spec) in raw.0 {
        let spec = spec.unwrap_or_default();
        let bad = |reason: String| err("variables", format!("variable `{name}`: {reason}"));
        if !is_identifier(&name) {
            return Err(bad(
                "not a valid name (letters, digits and _, not starting with a digit)".into(),
            ));
        }
        if BUILTIN_VARS.contains(&name.as_str()) {
            return Err(bad(format!(
                "is provided by ava and cannot be declared (built-in variables: {})",
                BUILTIN_VARS.join(", ")
            )));
        }
        if out.iter().any(|v| v.name == name) {
            return Err(bad("declared twice".into()));
        }
        if spec.required && spec.default.is_some() {
            return Err(bad(
                "is required and has a default; a default makes it optional".into(),
            ));
        }
        if let Some(d) = &spec.default
            && !spec.choices.is_empty()
            && !spec.choices.contains(d)
        {
            return Err(bad(format!(
                "default {d:?} is not one of its choices ({})",
                spec.choices.join(", ")
            )));
        }
        out.push(VarSpec {
            name,
            required: spec.required,
            default: spec.default,
            description: spec.description.trim().to_string(),
            choices: spec.choices,
        });
    }
    Ok(out)
}

fn check_params(raw: RawParams, err: FrontErr<'_>) -> Result<GenParams> {
    if let Some(t) = raw.temperature
        && !(0.0..=2.0).contains(&t)
    {
        return Err(err(
            "params",
            format!("params.temperature {t} is outside 0–2"),
        ));
    }
    if let Some(p) = raw.top_p
        && !(p > 0.0 && p <= 1.0)
    {
        return Err(err("params", format!("params.top_p {p} is outside (0, 1]")));
    }
    if raw.max_tokens == Some(0) {
        return Err(err("params", "params.max_tokens must be at least 1".into()));
    }
    Ok(GenParams {
        model: raw.model.filter(|m| !m.trim().is_empty()),
        temperature: raw.temperature,
        top_p: raw.top_p,
        max_tokens: raw.max_tokens,
        seed: raw.seed,
        stop: match raw.stop {
            None => Vec::new(),
            Some(Stop::One(s)) => vec![s],
            Some(Stop::Many(v)) => v,
        },
    })
}

fn check_combine(raw: &RawFront, output: &Output, err: FrontErr<'_>) -> Result<Combine> {
    let combine = raw.combine.unwrap_or(RawCombine::Concat);
    if raw.merge_key.is_some() && combine != RawCombine::Merge {
        return Err(err(
            "merge_key",
            "merge_key is only used with `combine: merge`".into(),
        ));
    }
    if raw.reduce_template.is_some() && combine != RawCombine::Reduce {
        return Err(err(
            "reduce_template",
            "reduce_template is only used with `combine: reduce`".into(),
        ));
    }
    Ok(match combine {
        RawCombine::Concat => Combine::Concat,
        RawCombine::Merge => {
            if *output == Output::Text {
                return Err(err(
                    "combine",
                    "`combine: merge` needs JSON output (`output: { schema: … }`)".into(),
                ));
            }
            let key = raw.merge_key.clone().unwrap_or_default();
            if key.trim().is_empty() {
                return Err(err(
                    "combine",
                    "`combine: merge` needs `merge_key`: the item field that identifies duplicates"
                        .into(),
                ));
            }
            Combine::Merge { key }
        }
        RawCombine::Reduce => {
            let template = raw.reduce_template.clone().unwrap_or_default();
            if super::store::check_name(&template).is_err() {
                return Err(err(
                    "combine",
                    "`combine: reduce` needs `reduce_template`: the name of the template that merges the partial results".into(),
                ));
            }
            Combine::Reduce { template }
        }
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFront {
    #[serde(default)]
    description: String,
    #[serde(default)]
    variables: RawVars,
    #[serde(default)]
    params: RawParams,
    #[serde(default)]
    output: RawOutput,
    #[serde(default)]
    combine: Option<RawCombine>,
    #[serde(default)]
    merge_key: Option<String>,
    #[serde(default)]
    reduce_template: Option<String>,
    #[serde(default)]
    builtin: Option<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    ground: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVar {
    #[serde(default)]
    required: bool,
    #[serde(default, deserialize_with = "scalar_string")]
    default: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default, deserialize_with = "scalar_strings")]
    choices: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParams {
    model: Option<String>,
    temperature: Option<f32>,
    top_p: Option<f32>,
    max_tokens: Option<u32>,
    seed: Option<u64>,
    stop: Option<Stop>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Stop {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawCombine {
    Concat,
    Merge,
    Reduce,
}

#[derive(Debug, Default)]
enum RawOutput {
    #[default]
    Text,
    Schema(serde_json::Value),
}

impl<'de> Deserialize<'de> for RawOutput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawOutput;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`text` or `{ schema: <JSON Schema> }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawOutput, E> {
                match v {
                    "text" => Ok(RawOutput::Text),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawOutput, E> {
                Ok(RawOutput::Text)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawOutput, A::Error> {
                let mut schema = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "schema" {
                        return Err(de::Error::unknown_field(&key, &["schema"]));
                    }
                    if schema.is_some() {
                        return Err(de::Error::duplicate_field("schema"));
                    }
                    schema = Some(map.next_value::<serde_json::Value>()?);
                }
                schema
                    .map(RawOutput::Schema)
                    .ok_or_else(|| de::Error::missing_field("schema"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Declared variables in file order (the order `ava templates show` lists them in).
#[derive(Debug, Default)]
struct RawVars(Vec<(String, Option<RawVar>)>);

impl<'de> Deserialize<'de> for RawVars {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawVars;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of variable names to { required, default, description }")
            }
            fn visit_unit<E: de::Error>(self) -> Result<RawVars, E> {
                Ok(RawVars::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawVars, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Option<RawVar>>()? {
                    out.push(entry);
                }
                Ok(RawVars(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A YAML scalar as a string, so `default: 3` or `default: true` work as users expect.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

fn scalar_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(|s| s.0))
}

fn scalar_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<Scalar>>::deserialize(d)?
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.0)
        .collect())
}
