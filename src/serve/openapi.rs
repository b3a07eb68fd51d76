//! `/openapi.json`: an OpenAPI 3.1 document whose schemas of the case and the result are
//! generated from the rule set in use (each fact with its type, enumeration words and record
//! fields; each conclusion with its kind of value), so that a case-management system can check
//! its cases, or generate a client, against exactly the rules that will judge them.

use super::Limits;
use serde_json::{json, Map, Value as J};

/// The document, from the description of the rule set that `/v1/facts` gives.
pub fn document(facts: &J, limits: &Limits) -> J {
    let fingerprint = facts
        .pointer("/rules/fingerprint")
        .and_then(J::as_str)
        .unwrap_or("");
    let json_body = |schema: &str| json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
    let ok = |schema: &str, what: &str| {
        json!({"description": what, "headers": {"Ruling-Fingerprint": {"$ref": "#/components/headers/Fingerprint"}},
               "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    };
    let error = |what: &str| json!({"description": what, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let errors = json!({
        "400": error("请求体不是合法的 JSON"),
        "401": error("缺少或错误的访问令牌（使用 --token-file 时）"),
        "408": error(&format!("超过 {} 秒未能答复", limits.timeout.as_secs())),
        "413": error(&format!("请求体超过 {} KiB", limits.body_bytes / 1024)),
        "415": error("内容类型不是 application/json"),
        "422": error("案件有误：未知的键（附“是否应为”）、类型不符、词不在可选范围内等"),
    });
    let closed_world = json!({"name": "closed_world", "in": "query", "required": false,
        "schema": {"type": "boolean", "default": false},
        "description": "未填写的布尔事实视为否，整数和金额视为零，集合和列表视为空（同 --closed-world）"});
    let with = |base: &J, extra: J| {
        let mut m = base.as_object().cloned().unwrap_or_default();
        if let Some(e) = extra.as_object() {
            m.extend(e.clone());
        }
        J::Object(m)
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ruling serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "按《关于办理帮助信息网络犯罪活动等刑事案件有关问题的意见》（法发〔2025〕12号）的规则评估案件。\
    本文档的案件与结果模式由当前使用的规则集（指纹 {fingerprint}）生成。\
    限制：请求体至多 {} KiB（/v1/batch 除外，逐行流式处理，每行至多 16 MiB）；每个请求至多 {} 秒；\
    同时处理至多 {} 个请求，其余排队；同时至多 {} 个批量请求。",
                limits.body_bytes / 1024, limits.timeout.as_secs(), limits.concurrency, limits.batch_streams),
        },
        "paths": {
            "/v1/eval": {"post": {
                "summary": "评估一个案件（与 ruling eval --format json 的输出相同）",
                "parameters": [closed_world],
                "requestBody": json_body("Case"),
                "responses": with(&json!({"200": ok("Result", "评估结果")}), errors.clone()),
            }},
            "/v1/explain": {"post": {
                "summary": "说明一个结论的推导过程（与 ruling explain 的输出相同）",
                "parameters": [closed_world],
                "requestBody": json_body("ExplainRequest"),
                "responses": with(&json!({"200": ok("Explanation", "推导过程")}), errors.clone()),
            }},
            "/v1/batch": {"post": {
                "summary": "批量评估：每行一个 JSON 案件，每行一个结果（与 ruling batch 的输出相同），流式返回",
                "parameters": [closed_world],
                "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                "responses": with(&json!({
                    "200": {"description": "每行一个结果", "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/BatchLine"}}}},
                    "503": error("同时进行的批量请求已达上限"),
                }), errors.clone()),
            }},
            "/v1/case": {"post": {
                "summary": "读取一个案件（JSON 或 TOML），返回读取器理解的案件（JSON）",
                "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Case"}},
                    "application/toml": {"schema": {"type": "string"}}}},
                "responses": with(&json!({"200": ok("Case", "案件")}), errors.clone()),
            }},
            "/v1/facts": {"get": {"summary": "规则集中可填写的事实（按条文分组）、记录类型和结论",
                "responses": {"200": {"description": "事实与结论", "content": {"application/json": {}}}}}},
            "/v1/rules": {"get": {"summary": "当前规则集：来源、指纹、加载时间；最近一次被拒绝的修改及其诊断",
                "responses": {"200": {"description": "规则集", "content": {"application/json": {}}}}}},
            "/healthz": {"get": {"summary": "服务是否在运行", "security": [],
                "responses": {"200": {"description": "正常", "content": {"application/json": {}}}}}},
        },
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "只在以 --token-file 启动时需要（在非本机地址上监听时必须）"}},
            "headers": {"Fingerprint": {"description": "答复所用规则集的指纹", "schema": {"type": "string"}}},
            "schemas": {
                "Case": case_schema(facts),
                "Result": result_schema(facts),
                "Basis": basis_schema(facts),
                "ExplainRequest": {"type": "object", "required": ["case", "conclusion"], "properties": {
                    "case": {"$ref": "#/components/schemas/Case"},
                    "conclusion": {"enum": names(facts, "conclusions")}}},
                "Explanation": {"type": "object", "properties": {
                    "rules": rules_schema(), "case": {"type": ["string", "null"]},
                    "conclusion": {"type": "string"}, "value": {},
                    "closed_world": {"type": "boolean"},
                    "text": {"type": "string", "description": "ruling explain 打印的文字"}}},
                "BatchLine": {"type": "object", "required": ["line"], "properties": {
                    "line": {"type": "integer", "minimum": 1},
                    "case": {"type": ["string", "null"]},
                    "conclusions": {"type": "object", "properties": conclusion_values(facts)},
                    "error": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "string"}}}},
                "Error": {"type": "object", "required": ["error", "status", "problems"], "properties": {
                    "error": {"type": "string", "description": "第一个问题（中文）"},
                    "help": {"type": ["string", "null"], "description": "改法"},
                    "problems": {"type": "array", "items": {"type": "object", "properties": {
                        "message": {"type": "string"}, "help": {"type": ["string", "null"]}}}},
                    "status": {"type": "integer"}}},
            },
        },
    })
}

fn names(facts: &J, list: &str) -> Vec<J> {
    facts
        .get(list)
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(|f| f.get("name").cloned()).collect())
        .unwrap_or_default()
}

fn words(ty: &J) -> Vec<J> {
    ty.get("words")
        .and_then(J::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The JSON Schema of one fact's value (null is always allowed: explicitly unknown).
fn value_schema(ty: &J) -> J {
    let amount = "金额写作 300000、\"300000.00\"、\"30万元\" 或 \"30万\"";
    match ty.get("kind").and_then(J::as_str).unwrap_or("") {
        "bool" => json!({"type": ["boolean", "null"]}),
        "int" => json!({"type": ["integer", "null"], "minimum": 0}),
        "amount" | "number" => json!({"anyOf": [
            {"type": "number", "minimum": 0}, {"type": "string"}, {"type": "null"}],
            "description": amount}),
        "date" => json!({"type": ["string", "null"], "format": "date"}),
        "period" => {
            json!({"type": ["string", "null"], "description": "期间写作 \"2年\"、\"6个月\" 或 \"30日\""})
        }
        "enum" => {
            let mut w = words(ty);
            w.push(J::Null);
            json!({"enum": w})
        }
        "set" => {
            json!({"type": ["array", "null"], "uniqueItems": true, "items": {"enum": words(ty)}})
        }
        "list" => {
            let mut props = Map::new();
            for f in ty.get("fields").and_then(J::as_array).into_iter().flatten() {
                if let (Some(n), Some(t)) = (f.get("name").and_then(J::as_str), f.get("type")) {
                    props.insert(n.to_string(), value_schema(t));
                }
            }
            json!({"type": ["array", "null"], "items": {
                "type": "object", "title": ty.get("record"), "properties": props,
                "additionalProperties": false}})
        }
        _ => json!({"type": ["string", "null"]}),
    }
}

fn case_schema(facts: &J) -> J {
    let mut props = Map::new();
    props.insert(
        "案件".into(),
        json!({"type": ["string", "integer"], "description": "案件编号，原样写入结果"}),
    );
    props.insert(
        "说明".into(),
        json!({"type": "string", "description": "案情说明"}),
    );
    props.insert(
        "封闭世界".into(),
        json!({"type": "boolean", "description": "按封闭世界评估本案"}),
    );
    props.insert(
        "预期".into(),
        json!({"type": "object", "description": "ruling test 比对的预期结论"}),
    );
    for f in facts
        .get("facts")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = f.get("name").and_then(J::as_str) else {
            continue;
        };
        let mut schema = value_schema(f.get("type").unwrap_or(&J::Null));
        if let Some(o) = schema.as_object_mut() {
            o.insert(
                "description".into(),
                f.get("doc").cloned().unwrap_or(J::Null),
            );
            o.insert(
                "x-article".into(),
                f.get("article").cloned().unwrap_or(J::Null),
            );
        }
        props.insert(name.to_string(), schema);
    }
    json!({"type": "object", "properties": props, "additionalProperties": false,
           "description": "一个案件：键是规则文件中声明的事实；未填写的事实为未知"})
}

fn conclusion_value(c: &J) -> J {
    match c.get("kind").and_then(J::as_str).unwrap_or("") {
        "tri" => {
            json!({"type": ["boolean", "null"], "description": "true 是，false 否，null 待定"})
        }
        "modality" | "enum" => {
            let mut w = words(c);
            w.push(J::Null);
            json!({"enum": w})
        }
        _ => json!({"type": "array", "items": {"type": "string"}}),
    }
}

fn conclusion_values(facts: &J) -> J {
    let mut props = Map::new();
    for c in facts
        .get("conclusions")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = c.get("name").and_then(J::as_str) {
            let mut v = conclusion_value(c);
            if let Some(o) = v.as_object_mut() {
                o.insert(
                    "description".into(),
                    c.get("doc").cloned().unwrap_or(J::Null),
                );
            }
            props.insert(name.to_string(), v);
        }
    }
    J::Object(props)
}

fn rules_schema() -> J {
    json!({"type": "object", "required": ["source", "fingerprint"], "properties": {
        "source": {"type": "string"}, "fingerprint": {"type": "string"}}})
}

fn basis_schema(facts: &J) -> J {
    let fact_names = names(facts, "facts");
    json!({"type": "object", "properties": {
        "rule": {"type": "string"}, "cite": {"type": "string"},
        "text": {"type": "string", "description": "所引条文的原文"},
        "facts": {"type": "object", "propertyNames": {"enum": fact_names}},
        "conclusions": {"type": "object", "additionalProperties": {"type": "string"}},
        "computed": {"type": "object", "additionalProperties": {"type": "string"}}}})
}

fn result_schema(facts: &J) -> J {
    let fact_names = names(facts, "facts");
    let mut props = Map::new();
    let mut required = Vec::new();
    for c in facts
        .get("conclusions")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = c.get("name").and_then(J::as_str) else {
            continue;
        };
        required.push(J::String(name.to_string()));
        props.insert(
            name.to_string(),
            json!({"type": "object", "required": ["value", "because", "needs"],
                "description": c.get("doc"),
                "properties": {
                    "value": conclusion_value(c),
                    "because": {"type": "array", "items": {"$ref": "#/components/schemas/Basis"}},
                    "needs": {"type": "array", "items": {"enum": fact_names.clone()},
                              "description": "仍可能改变此结论的未知事实"}}}),
        );
    }
    json!({"type": "object", "required": ["rules", "case", "conclusions"], "properties": {
        "rules": rules_schema(),
        "case": {"type": ["string", "null"]},
        "conclusions": {"type": "object", "properties": props, "required": required,
                        "additionalProperties": false},
        "errors": {"type": "array", "items": {"type": "string"}}}})
}
