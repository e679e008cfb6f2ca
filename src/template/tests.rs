use super::*;
use std::fs;

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn builtins(input: &str) -> BTreeMap<String, Value> {
    let mut b = BTreeMap::new();
    b.insert("input".to_string(), Value::from(input));
    b.insert("filename".to_string(), Value::from("case.txt"));
    b
}

fn chunk_builtins(input: &str, part: usize, parts: usize) -> BTreeMap<String, Value> {
    let mut b = builtins(input);
    b.insert("part".to_string(), Value::from(part));
    b.insert("parts".to_string(), Value::from(parts));
    b.insert("first_line".to_string(), Value::from(40));
    b
}

const GREETING: &str = "---
description: Greets
variables:
  who: { required: true, description: Whom to greet }
  tone: { default: friendly }
  extra: {}
params: { temperature: 0.5, max_tokens: 100, stop: END, model: tiny }
---
[system]
Be {{ tone }}.
[user]
Hello {{ who }}{% if extra %} and {{ extra }}{% endif %}: {{ input }}
";

fn greeting() -> Template {
    Template::from_source("greeting", Origin::Builtin, "greeting.md", GREETING).unwrap()
}

#[test]
fn parses_front_matter() {
    let t = greeting();
    assert_eq!(t.description, "Greets");
    let names: Vec<&str> = t.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["who", "tone", "extra"], "declaration order is kept");
    assert!(t.variables[0].required);
    assert_eq!(t.variables[1].default.as_deref(), Some("friendly"));
    assert_eq!(t.params.temperature, Some(0.5));
    assert_eq!(t.params.max_tokens, Some(100));
    assert_eq!(t.params.stop, ["END"]);
    assert_eq!(t.params.model.as_deref(), Some("tiny"));
    assert_eq!(t.output, Output::Text);
    assert_eq!(t.combine, Combine::Concat);
    assert_eq!(t.hash, hex::encode(Sha256::digest(GREETING.as_bytes())));
    assert_eq!(t.hash.len(), 64);
}

#[test]
fn renders_with_defaults() {
    let r = greeting()
        .render(&vars(&[("who", "Anna")]), &builtins("doc"))
        .unwrap();
    assert_eq!(r.system, "Be friendly.");
    assert_eq!(r.user, "Hello Anna: doc");
    let msgs = r.messages();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0], Message::system("Be friendly."));
    assert_eq!(msgs[1], Message::user("Hello Anna: doc"));

    let r = greeting()
        .render(
            &vars(&[("who", "Anna"), ("tone", "brief"), ("extra", "Jan")]),
            &builtins("doc"),
        )
        .unwrap();
    assert_eq!(r.system, "Be brief.");
    assert_eq!(r.user, "Hello Anna and Jan: doc");
}

#[test]
fn empty_system_part_is_omitted_from_messages() {
    let t = Template::from_source("t", Origin::Builtin, "t.md", "[user]\n{{ input }}\n").unwrap();
    let r = t.render(&vars(&[]), &builtins("x")).unwrap();
    assert_eq!(r.messages(), vec![Message::user("x")]);
}

#[test]
fn input_is_a_value_never_template_source() {
    let doc = "a {{ 7*7 }} b {% if true %}yes{% endif %} {# c #} {{ who }} {% raw %}";
    let r = greeting()
        .render(&vars(&[("who", "Anna")]), &builtins(doc))
        .unwrap();
    assert_eq!(r.user, format!("Hello Anna: {doc}"));
    assert!(!r.user.contains("49"));

    // Also through the numbering filter and in every built-in.
    let store = TemplateStore::with_dirs(vec![]);
    for (name, _) in builtin_templates() {
        let t = store.load(name).unwrap();
        let v = if name == "translate" {
            vars(&[("to", "en")])
        } else {
            vars(&[])
        };
        let r = t.render(&v, &builtins(doc)).unwrap();
        assert!(r.user.contains("{{ 7*7 }}"), "{name}: {}", r.user);
        assert!(r.user.contains("{% if true %}yes{% endif %}"), "{name}");
    }
}

#[test]
fn html_is_not_escaped() {
    let r = greeting()
        .render(&vars(&[("who", "<b>&\"'")]), &builtins("<script>"))
        .unwrap();
    assert_eq!(r.user, "Hello <b>&\"': <script>");
}

#[test]
fn missing_required_variable_is_named() {
    let err = greeting().render(&vars(&[]), &builtins("doc")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Template { .. }), "{err:?}");
    assert!(msg.contains("missing required variable `who`"), "{msg}");
    assert!(msg.contains("Whom to greet"), "{msg}");
    assert!(msg.contains("--var who="), "{msg}");

    // An empty value does not satisfy a required variable.
    let err = greeting()
        .render(&vars(&[("who", "")]), &builtins("doc"))
        .unwrap_err();
    assert!(err.to_string().contains("`who`"), "{err}");
}

#[test]
fn unknown_variable_is_named_with_the_declared_ones() {
    let err = greeting()
        .render(&vars(&[("who", "A"), ("lenght", "short")]), &builtins("d"))
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("unknown variable `lenght`"), "{msg}");
    assert!(msg.contains("declared: who, tone, extra"), "{msg}");

    // Built-in names cannot be overridden by --var either.
    let err = greeting()
        .render(&vars(&[("who", "A"), ("input", "x")]), &builtins("d"))
        .unwrap_err();
    assert!(err.to_string().contains("`input`"), "{err}");
}

#[test]
fn choices_are_enforced() {
    let store = TemplateStore::with_dirs(vec![]);
    let t = store.load("summarize").unwrap();
    let err = t
        .render(&vars(&[("length", "tiny")]), &builtins("d"))
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("`length`") && msg.contains("short, medium, long"),
        "{msg}"
    );
}

#[test]
fn syntax_error_names_file_and_line() {
    let src = "---\ndescription: x\n---\n[system]\nok\n[user]\nline one\n{% if %}\n";
    let err = Template::from_source("bad", Origin::Builtin, "/p/bad.md", src).unwrap_err();
    match &err {
        Error::TemplateSyntax { file, line, .. } => {
            assert_eq!(file, "/p/bad.md");
            assert_eq!(*line, 8, "{err}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().starts_with("/p/bad.md:8: "), "{err}");

    let src = "[system]\n{{ unclosed\n[user]\nx\n";
    let err = Template::from_source("bad", Origin::Builtin, "b.md", src).unwrap_err();
    assert!(err.to_string().starts_with("b.md:2: "), "{err}");
}

#[test]
fn undefined_variable_in_body_names_it_and_the_line() {
    let src = "---\nvariables:\n  a: {}\n---\n[user]\nfirst\n{{ a }} {{ mystery }}\n";
    let t = Template::from_source("t", Origin::Builtin, "t.md", src).unwrap();
    let err = t.render(&vars(&[]), &builtins("d")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("t.md:7: "), "{msg}");
    assert!(msg.contains("`mystery`"), "{msg}");
    assert_eq!(
        t.undeclared_variables()
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        ["mystery"]
    );
}

#[test]
fn malformed_front_matter_names_file_and_line() {
    let src = "---\ndescription: ok\nvariables:\n  a: { required: maybe }\n---\n[user]\nx\n";
    let err = Template::from_source("t", Origin::Builtin, "t.md", src).unwrap_err();
    match &err {
        Error::TemplateSyntax { file, line, reason } => {
            assert_eq!(file, "t.md");
            assert_eq!(*line, 4, "{err}");
            assert!(!reason.contains("at line"), "{reason}");
        }
        other => panic!("{other:?}"),
    }

    let src = "---\ndescription: ok\nbogus: 1\n---\n[user]\nx\n";
    let err = Template::from_source("t", Origin::Builtin, "t.md", src).unwrap_err();
    assert!(err.to_string().starts_with("t.md:3: "), "{err}");
    assert!(err.to_string().contains("bogus"), "{err}");

    let src = "---\ndescription: [unclosed\n---\n[user]\nx\n";
    let err = Template::from_source("t", Origin::Builtin, "t.md", src).unwrap_err();
    assert!(err.to_string().starts_with("t.md:"), "{err}");

    let src = "---\ndescription: never closed\n[user]\nx\n";
    let err = Template::from_source("t", Origin::Builtin, "t.md", src).unwrap_err();
    assert!(err.to_string().contains("not closed"), "{err}");
}

#[test]
fn front_matter_semantic_errors() {
    let cases = [
        ("variables:\n  input: {}", "provided by ava"),
        ("variables:\n  bad-name: {}", "not a valid name"),
        (
            "variables:\n  a: { required: true, default: x }",
            "required",
        ),
        ("variables:\n  a: { default: x, choices: [y] }", "choices"),
        ("combine: merge", "JSON output"),
        ("combine: reduce", "reduce_template"),
        ("combine: reduce\nreduce_template: ../x", "reduce_template"),
        ("merge_key: value", "combine: merge"),
        ("builtin: magic", "unknown builtin"),
        ("output: json", "schema"),
        ("output: { schema: [1] }", "JSON Schema object"),
        ("params: { temperature: 7 }", "temperature"),
        ("combine: sometimes", "sometimes"),
    ];
    for (front, expect) in cases {
        let src = format!("---\n{front}\n---\n[user]\nx\n");
        let err = Template::from_source("t", Origin::Builtin, "t.md", &src).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(expect), "{front:?}: {msg}");
        assert!(msg.starts_with("t.md:2: "), "{front:?}: {msg}");
    }
}

#[test]
fn body_needs_a_user_part() {
    let err =
        Template::from_source("t", Origin::Builtin, "t.md", "---\n---\n[system]\nx\n").unwrap_err();
    assert!(err.to_string().contains("[user]"), "{err}");
    let err = Template::from_source("t", Origin::Builtin, "t.md", "just text\n").unwrap_err();
    assert!(err.to_string().starts_with("t.md:1: "), "{err}");
    let err =
        Template::from_source("t", Origin::Builtin, "t.md", "[user]\na\n[user]\nb\n").unwrap_err();
    assert!(err.to_string().contains("second `[user]`"), "{err}");
    let err = Template::from_source("t", Origin::Builtin, "t.md", "[user]\n  \n").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}

#[test]
fn crlf_and_bom_are_accepted() {
    let src =
        "\u{feff}---\r\ndescription: d\r\n---\r\n[system]\r\nS\r\n[user]\r\nU {{ input }}\r\n";
    let t = Template::from_source("t", Origin::Builtin, "t.md", src).unwrap();
    let r = t.render(&vars(&[]), &builtins("x")).unwrap();
    assert_eq!((r.system.as_str(), r.user.as_str()), ("S", "U x"));
}

#[test]
fn parse_var_splits_at_the_first_equals() {
    assert_eq!(parse_var("to=en").unwrap(), ("to".into(), "en".into()));
    assert_eq!(parse_var("g=a=b").unwrap(), ("g".into(), "a=b".into()));
    assert_eq!(parse_var("lang=").unwrap(), ("lang".into(), String::new()));
    for bad in ["noequals", "=x", "1a=x", "a b=x"] {
        let err = parse_var(bad).unwrap_err();
        assert!(err.to_string().contains(bad), "{err}");
        assert!(matches!(err, Error::Usage(_)));
    }
}

#[test]
fn filters() {
    let src = "[user]\n{{ input | numbered }}\n{{ 'pl' | language }} {{ 'en-GB' | language }} {{ 'Klingon' | language }}\n";
    let t = Template::from_source("t", Origin::Builtin, "t.md", src).unwrap();
    let r = t.render(&vars(&[]), &builtins("a\n\nb")).unwrap();
    assert_eq!(r.user, "1| a\n2|\n3| b\nPolish English Klingon");
    let r = t.render(&vars(&[]), &chunk_builtins("a\nb", 2, 3)).unwrap();
    assert!(r.user.starts_with("40| a\n41| b\n"), "{}", r.user);
}

fn write(dir: &Path, name: &str, description: &str) {
    fs::create_dir_all(dir).unwrap();
    let src =
        format!("---\ndescription: {description}\n---\n[user]\n{description}: {{{{ input }}}}\n");
    fs::write(dir.join(format!("{name}.md")), src).unwrap();
}

#[test]
fn lookup_order() {
    let tmp = tempfile::tempdir().unwrap();
    let d = |n: &str| tmp.path().join(n);
    write(&d("flag"), "summarize", "flag");
    write(&d("env"), "summarize", "env");
    write(&d("env"), "envonly", "env");
    write(&d("user"), "summarize", "user");
    write(&d("user"), "envonly", "user");
    write(&d("project"), "summarize", "project");
    write(&d("project"), "projonly", "project");
    fs::write(d("project").join("README.md"), "not a template").unwrap();
    fs::write(d("project").join("notes.txt"), "not a template").unwrap();

    let all = vec![
        (d("flag"), Origin::Flag(d("flag"))),
        (d("env"), Origin::Env(d("env"))),
        (d("user"), Origin::User(d("user"))),
        (d("project"), Origin::Project(d("project"))),
    ];
    let store = TemplateStore::with_dirs(all.clone());
    let t = store.load("summarize").unwrap();
    assert_eq!(t.origin, Origin::Flag(d("flag")));
    assert_eq!(t.description, "flag");
    assert_eq!(t.file, d("flag").join("summarize.md").display().to_string());
    assert_eq!(store.load("envonly").unwrap().origin, Origin::Env(d("env")));
    assert_eq!(store.load("projonly.md").unwrap().description, "project");
    let builtin = store.load("translate").unwrap();
    assert_eq!(builtin.origin, Origin::Builtin);
    assert_eq!(builtin.file, "built-in:translate.md");

    // Each level overrides the ones below it.
    for skip in 1..=4 {
        let store = TemplateStore::with_dirs(all[skip..].to_vec());
        let t = store.load("summarize").unwrap();
        let expected = all.get(skip).map_or(Origin::Builtin, |(_, o)| o.clone());
        assert_eq!(t.origin, expected);
    }

    let list = store.list().unwrap();
    let names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
    assert!(names.contains(&"projonly") && names.contains(&"translate"));
    assert!(
        !names
            .iter()
            .any(|n| n.eq_ignore_ascii_case("readme") || *n == "notes")
    );
    let s = list.iter().find(|i| i.name == "summarize").unwrap();
    assert_eq!(s.origin, Origin::Flag(d("flag")));
    assert_eq!(s.description, "flag");
    assert_eq!(
        s.overrides,
        [
            Origin::Env(d("env")),
            Origin::User(d("user")),
            Origin::Project(d("project")),
            Origin::Builtin
        ]
    );
    let e = list.iter().find(|i| i.name == "envonly").unwrap();
    assert_eq!(e.overrides, [Origin::User(d("user"))]);

    let dirs = TemplateStore::with_dirs(vec![
        (d("flag"), Origin::Flag(d("flag"))),
        (d("missing"), Origin::User(d("missing"))),
    ])
    .search_dirs();
    assert_eq!(dirs.len(), 2);
    assert!(dirs[0].2 && !dirs[1].2);
}

#[test]
fn same_dir_twice_is_searched_once() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().to_path_buf();
    write(&p, "x", "x");
    let store = TemplateStore::with_dirs(vec![
        (p.clone(), Origin::User(p.clone())),
        (p.clone(), Origin::Project(p.clone())),
    ]);
    let x = store
        .list()
        .unwrap()
        .into_iter()
        .find(|i| i.name == "x")
        .unwrap();
    assert!(x.overrides.is_empty());
}

#[test]
fn broken_file_is_reported_not_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().to_path_buf();
    fs::write(p.join("summarize.md"), "---\nbogus: [\n---\n[user]\nx\n").unwrap();
    let store = TemplateStore::with_dirs(vec![(p.clone(), Origin::Flag(p.clone()))]);
    let err = store.load("summarize").unwrap_err();
    assert!(err.to_string().contains("summarize.md"), "{err}");
    let list = store.list().unwrap();
    let s = list.iter().find(|i| i.name == "summarize").unwrap();
    assert!(s.description.starts_with("(invalid:"), "{}", s.description);
}

#[test]
fn names_escaping_the_directory_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let inner = tmp.path().join("inner");
    write(&inner, "ok", "ok");
    write(tmp.path(), "outside", "outside");
    let store = TemplateStore::with_dirs(vec![(inner.clone(), Origin::Flag(inner))]);
    let abs = tmp.path().join("outside").display().to_string();
    for bad in [
        "../outside",
        "..",
        "a/b",
        "a\\b",
        abs.as_str(),
        "/etc/passwd",
        ".hidden",
        "",
        "C:x",
    ] {
        let err = store.load(bad).unwrap_err();
        assert!(matches!(err, Error::Template { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("plain file name"), "{bad}: {err}");
    }
    assert!(store.load("ok").is_ok());
}

#[test]
fn unknown_template_lists_available_names() {
    let store = TemplateStore::with_dirs(vec![]);
    let err = store.load("sumarize").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("\"sumarize\""), "{msg}");
    assert!(
        msg.contains("summarize") && msg.contains("translate"),
        "{msg}"
    );
}

#[test]
fn every_builtin_parses_and_renders() {
    let store = TemplateStore::with_dirs(vec![]);
    let names: Vec<&str> = builtin_templates().map(|(n, _)| n).collect();
    for expected in [
        "summarize",
        "summarize-chunk",
        "summarize-reduce",
        "translate",
        "entities",
        "timeline",
        "key-facts",
        "iocs",
        "contacts",
        "chat",
    ] {
        assert!(names.contains(&expected), "{expected} missing");
    }
    for name in names {
        let t = store.load(name).unwrap();
        assert_eq!(t.origin, Origin::Builtin);
        assert!(!t.description.is_empty(), "{name}");
        assert!(
            t.undeclared_variables().unwrap().is_empty(),
            "{name}: {:?}",
            t.undeclared_variables()
        );
        let v = if name == "translate" {
            vars(&[("to", "en")])
        } else {
            vars(&[])
        };
        for b in [builtins("DOC-TEXT"), chunk_builtins("DOC-TEXT", 2, 3)] {
            let r = t.render(&v, &b).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(r.user.contains("DOC-TEXT"), "{name}: {}", r.user);
            assert!(
                !r.user.contains("\n\n\n"),
                "{name} leaves blank runs:\n{}",
                r.user
            );
            // chat and translate send one user turn: small models follow a single short
            // instruction better than a system prompt (bench/RESULTS.md, translation).
            if name != "chat" && name != "translate" {
                assert!(!r.system.is_empty(), "{name}");
            }
        }
        // Every declared choice renders.
        for var in &t.variables {
            for choice in &var.choices {
                let mut v = v.clone();
                v.insert(var.name.clone(), choice.clone());
                t.render(&v, &builtins("d"))
                    .unwrap_or_else(|e| panic!("{name} {}={choice}: {e}", var.name));
            }
        }
    }
}

#[test]
fn builtin_specifics() {
    let store = TemplateStore::with_dirs(vec![]);
    let s = store.load("summarize").unwrap();
    assert_eq!(s.builtin.as_deref(), Some("summarize"));
    assert_eq!(
        s.combine,
        Combine::Reduce {
            template: "summarize-reduce".into()
        }
    );
    assert!(store.load("summarize-reduce").is_ok());

    let t = store.load("translate").unwrap();
    let err = t.render(&vars(&[]), &builtins("d")).unwrap_err();
    assert!(err.to_string().contains("`to`"), "{err}");
    let r = t
        .render(
            &vars(&[("to", "en"), ("from", "pl")]),
            &builtins("Dzień dobry"),
        )
        .unwrap();
    assert!(
        r.user.contains("Translate this Polish text into English"),
        "{}",
        r.user
    );
    assert_eq!(t.combine, Combine::Concat);

    let r = store
        .load("summarize")
        .unwrap()
        .render(
            &vars(&[("lang", "de"), ("length", "short")]),
            &builtins("x"),
        )
        .unwrap();
    assert!(r.user.contains("in German"), "{}", r.user);
    assert!(r.user.contains("2 to 4 sentences"), "{}", r.user);

    for (name, key) in [("entities", "value"), ("iocs", "value")] {
        let t = store.load(name).unwrap();
        assert_eq!(t.builtin.as_deref(), Some("extract"));
        assert_eq!(t.combine, Combine::Merge { key: key.into() });
    }
}

#[test]
fn schema_templates_have_object_schemas() {
    let store = TemplateStore::with_dirs(vec![]);
    let expect = [
        (
            "entities",
            &[
                "people",
                "organizations",
                "locations",
                "phones",
                "emails",
                "ibans",
                "crypto_wallets",
                "dates",
                "amounts",
                "urls",
            ][..],
        ),
        ("timeline", &["events"][..]),
        ("iocs", &["ip_addresses", "urls", "crypto_wallets"][..]),
        ("contacts", &["people"][..]),
    ];
    for (name, props) in expect {
        let t = store.load(name).unwrap();
        let Output::Schema(schema) = &t.output else {
            panic!("{name} has no schema")
        };
        assert_eq!(schema["type"], "object", "{name}");
        for p in props {
            assert_eq!(schema["properties"][p]["type"], "array", "{name}.{p}");
            let required = schema["required"].as_array().unwrap();
            assert!(required.iter().any(|r| r == p), "{name}.{p} not required");
        }
        // The YAML anchors must have been expanded into plain JSON.
        let text = serde_json::to_string(schema).unwrap();
        assert!(!text.contains('*') && !text.contains('&'), "{name}: {text}");
        assert!(matches!(t.combine, Combine::Merge { .. }), "{name}");
    }
    let Output::Schema(e) = store.load("entities").unwrap().output else {
        unreachable!()
    };
    let item = &e["properties"]["ibans"]["items"];
    assert_eq!(item["required"], serde_json::json!(["value"]));
    assert_eq!(item["properties"]["line"]["type"], "integer");
    for name in ["summarize", "translate", "key-facts", "chat"] {
        assert_eq!(store.load(name).unwrap().output, Output::Text, "{name}");
    }
}

#[test]
fn origin_display() {
    assert_eq!(Origin::Builtin.to_string(), "built-in");
    assert_eq!(
        Origin::Flag(PathBuf::from("/x")).to_string(),
        "--template-dir /x"
    );
    assert_eq!(
        Origin::Env(PathBuf::from("/e")).to_string(),
        "$AVA_TEMPLATE_DIR /e"
    );
}

proptest::proptest! {
    #[test]
    fn parser_never_panics(
        src in "(---\r?\n|\\[user\\]\n|\\[system\\]\n|[a-z_: {}%#\\[\\]\"'&*|-]{0,24}\r?\n){0,12}"
    ) {
        let _ = Template::from_source("p", Origin::Builtin, "p.md", &src);
    }

    #[test]
    fn any_document_is_passed_through_verbatim(doc in "\\PC*") {
        let r = greeting()
            .render(&vars(&[("who", "A")]), &builtins(&doc))
            .unwrap();
        let expected = format!("Hello A: {doc}");
        proptest::prop_assert_eq!(r.user.as_str(), expected.trim_end());
    }
}
