//! A small validator of requests and responses against the OpenAPI document, for the subset of
//! JSON Schema it uses: `$ref`, `type` (one or a list), `properties`, `required`,
//! `additionalProperties`, `items`, `enum`, `minimum`, `maximum`, `minLength`, `maxLength` and
//! the `date` format.

use serde_json::Value;

pub fn document() -> Value {
    serde_json::from_str(testigo_web::api::OPENAPI).expect("the OpenAPI document is JSON")
}

/// Every problem of `value` against `schema`, as `path: problem`.
pub fn validate(doc: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = r.strip_prefix('#').expect("local $ref");
        let target = doc.pointer(pointer).unwrap_or_else(|| panic!("dangling $ref {r}"));
        return validate(doc, target, value, path, errors);
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type in schema at {path}"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            other => panic!("unknown type {other}"),
        });
        if !ok {
            errors.push(format!("{path}: {value} is not of type {types:?}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            errors.push(format!("{path}: {value} is not one of {e:?}"));
        }
    }
    if let Some(n) = value.as_f64() {
        if schema.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m) {
            errors.push(format!("{path}: {n} below minimum"));
        }
        if schema.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m) {
            errors.push(format!("{path}: {n} above maximum"));
        }
    }
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as u64;
        if schema.get("minLength").and_then(Value::as_u64).is_some_and(|m| len < m) {
            errors.push(format!("{path}: shorter than minLength"));
        }
        if schema.get("maxLength").and_then(Value::as_u64).is_some_and(|m| len > m) {
            errors.push(format!("{path}: longer than maxLength"));
        }
        if schema.get("format").and_then(Value::as_str) == Some("date") && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
            errors.push(format!("{path}: {s:?} is not a date"));
        }
    }
    if let Some(obj) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let r = r.as_str().unwrap();
            if !obj.contains_key(r) {
                errors.push(format!("{path}: missing required {r}"));
            }
        }
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(doc, s, v, &format!("{path}.{k}"), errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{path}: unexpected property {k}")),
                    Some(s @ Value::Object(_)) => validate(doc, s, v, &format!("{path}.{k}"), errors),
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            validate(doc, items, v, &format!("{path}[{i}]"), errors);
        }
    }
}

/// The operation of the document for `method` and a concrete `path` (`/incidents/3`), and the
/// template it matched.
pub fn operation<'d>(doc: &'d Value, method: &str, path: &str) -> (&'d Value, String) {
    let paths = doc["paths"].as_object().unwrap();
    for (template, item) in paths {
        let t: Vec<&str> = template.split('/').collect();
        let p: Vec<&str> = path.split('/').collect();
        if t.len() == p.len() && t.iter().zip(&p).all(|(a, b)| a.starts_with('{') || a == b) {
            if let Some(op) = item.get(method) {
                return (op, template.clone());
            }
        }
    }
    panic!("{method} {path} is not in the OpenAPI document");
}

/// Checks a request (its query parameters and JSON body) and its response (status, media type
/// and JSON body) against the document; panics with every problem.
pub fn check(method: &str, path_and_query: &str, request_body: Option<&Value>, status: u16, content_type: &str, body: &str) {
    let doc = document();
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let (op, template) = operation(&doc, method, path);
    let mut errors = Vec::new();
    let params = op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
    let sent: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.replace("%20", " ").replace('+', " "))
        })
        .collect();
    for (k, v) in &sent {
        match params.iter().find(|p| p["name"] == k.as_str() && p["in"] == "query") {
            None => errors.push(format!("query parameter {k} is not declared for {method} {template}")),
            Some(p) => {
                let value = if p["schema"]["type"] == "integer" {
                    v.parse::<i64>().map(Value::from).unwrap_or(Value::String(v.clone()))
                } else {
                    Value::String(v.clone())
                };
                // Invalid values are sent on purpose to check 400s; only check those answered 2xx.
                if status < 300 {
                    validate(&doc, &p["schema"], &value, &format!("query {k}"), &mut errors);
                }
            }
        }
    }
    if status < 300 {
        for p in params.iter().filter(|p| p["required"] == true && p["in"] == "query") {
            if !sent.iter().any(|(k, _)| p["name"] == k.as_str()) {
                errors.push(format!("required parameter {} missing", p["name"]));
            }
        }
    }
    if let Some(b) = request_body {
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        assert!(!schema.is_null(), "{method} {template} declares no JSON request body");
        if status < 300 {
            validate(&doc, schema, b, "request", &mut errors);
        }
    }
    let response = op["responses"].get(status.to_string()).unwrap_or_else(|| panic!("{method} {template}: status {status} is not documented"));
    let media = content_type.split(';').next().unwrap().trim();
    let content = &response["content"];
    if let Some(schema) = content.get(media).map(|c| &c["schema"]) {
        if media.ends_with("json") && media != "application/x-ndjson" {
            let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{method} {path}: response is not JSON ({e}): {body}"));
            validate(&doc, schema, &v, "response", &mut errors);
        }
    } else {
        errors.push(format!("{method} {template} {status}: media type {media} not documented"));
    }
    assert!(errors.is_empty(), "{method} {path_and_query} → {status}:\n{}", errors.join("\n"));
}

#[test]
fn the_validator_catches_mistakes() {
    let doc = document();
    let schema = &doc["components"]["schemas"]["IncidentList"];
    let mut errors = Vec::new();
    validate(&doc, schema, &serde_json::json!({"total": -1, "items": [{"id": "x"}], "extra": 1}), "r", &mut errors);
    let all = errors.join("\n");
    assert!(all.contains("below minimum") && all.contains("unexpected property extra") && all.contains("missing required version"), "{all}");
    assert!(all.contains("r.items[0].id: \"x\" is not of type"), "{all}");
}
