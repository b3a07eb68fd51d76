//! The server: one message in, the replies and notifications out.
//!
//! [`Server::handle`] is a plain function of the state and a message, with no input or output
//! of its own, so that tests and benchmarks drive it in-process exactly as the stdio loop in
//! [`super::run`] does.

use super::examples::{self, RUN_EXAMPLES};
use super::index::Target;
use super::library::FileId;
use super::workspace::{path_to_uri, uri_to_path, Folder};
use super::{completion, diagnostics, format, hover, library, navigate, symbols};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeLensOptions, CompletionOptions, CompletionResponse,
    ExecuteCommandOptions, GotoDefinitionResponse, Hover, HoverContents, HoverProviderCapability,
    InitializeResult, MarkupContent, MarkupKind, MessageType, OneOf, Position,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri, WorkspaceSymbolResponse,
};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The language server's state.
#[derive(Debug, Default)]
pub struct Server {
    /// The rules folders known: those of the workspace and those of files opened elsewhere.
    folders: Vec<Folder>,
    /// What was last published for each file, so that only changes are sent (and a file whose
    /// problems are gone gets its empty list).
    published: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// `shutdown` was received.
    shut_down: bool,
    /// `exit` was received: the exit code (0 after `shutdown`, 1 without).
    exit: Option<i32>,
}

/// A request that failed, with the reason for the user.
struct Failure(ErrorCode, String);

type Reply = Result<Json, Failure>;

impl Server {
    /// A server that knows no folder yet.
    pub fn new() -> Server {
        Server::default()
    }

    /// Loads a rules folder (an absolute path is used, so that it matches the URIs the client
    /// sends), unless it is loaded already.
    pub fn open_folder(&mut self, dir: &Path) {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        if self.folder_of_dir(&dir).is_none() {
            self.folders.push(Folder::load(&dir));
        }
    }

    /// Set once `exit` has been received: the process's exit code.
    pub fn exit_code(&self) -> Option<i32> {
        self.exit
    }

    /// Handles one message; gives what to send back, in order.
    pub fn handle(&mut self, message: Message) -> Vec<Message> {
        let mut out = Vec::new();
        match message {
            Message::Request(req) => {
                let id = req.id.clone();
                let reply = if self.shut_down && req.method != request::Shutdown::METHOD {
                    Err(Failure(
                        ErrorCode::InvalidRequest,
                        "语言服务器已收到 shutdown，不再处理请求".into(),
                    ))
                } else {
                    self.request(req, &mut out)
                };
                out.insert(0, Message::Response(response(id, reply)));
            }
            Message::Notification(n) => self.notification(n, &mut out),
            // The server sends no requests, so there is nothing to match a response to.
            Message::Response(_) => {}
        }
        out
    }

    fn request(&mut self, req: Request, out: &mut Vec<Message>) -> Reply {
        match req.method.as_str() {
            request::Initialize::METHOD => {
                let params: lsp_types::InitializeParams = params(req.params)?;
                self.initialize(&params);
                to_json(initialize_result())
            }
            request::Shutdown::METHOD => {
                self.shut_down = true;
                Ok(Json::Null)
            }
            request::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req.params)?;
                let doc = p.text_document_position_params;
                let Some((folder, file, offset)) =
                    self.locate(&doc.text_document.uri, doc.position)
                else {
                    return Ok(Json::Null);
                };
                let a = &folder.analysis;
                let Some(occ) = a.index.at(file, offset) else {
                    return Ok(Json::Null);
                };
                let Some(value) = hover::text(&a.index, &a.sources, &occ.target) else {
                    return Ok(Json::Null);
                };
                to_json(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    }),
                    range: diagnostics::range(folder, occ.span),
                })
            }
            request::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req.params)?;
                let doc = p.text_document_position_params;
                let Some((folder, target)) = self.target_at(&doc.text_document.uri, doc.position)
                else {
                    return Ok(Json::Null);
                };
                let found = navigate::definition(folder, &target);
                if found.is_empty() {
                    return Ok(Json::Null);
                }
                to_json(GotoDefinitionResponse::Array(found))
            }
            request::References::METHOD => {
                let p: lsp_types::ReferenceParams = params(req.params)?;
                let doc = p.text_document_position;
                let Some((folder, target)) = self.target_at(&doc.text_document.uri, doc.position)
                else {
                    return Ok(Json::Null);
                };
                to_json(navigate::references(
                    folder,
                    &target,
                    p.context.include_declaration,
                ))
            }
            request::Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(req.params)?;
                let doc = p.text_document_position;
                let Some((folder, file, offset)) =
                    self.locate(&doc.text_document.uri, doc.position)
                else {
                    return Ok(Json::Null);
                };
                let Some((text, lines)) = folder.text(file) else {
                    return Ok(Json::Null);
                };
                let (mut items, start) = completion::items(&folder.analysis.index, text, offset);
                completion::with_range(&mut items, lines.range(text, start, offset));
                to_json(CompletionResponse::Array(items))
            }
            request::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(req.params)?;
                let Some((folder, file)) = self.file(&p.text_document.uri) else {
                    return Ok(Json::Null);
                };
                let Some((text, _)) = folder.text(file) else {
                    return Ok(Json::Null);
                };
                match format::edits(text) {
                    Ok(edits) => to_json(edits),
                    Err(reason) => {
                        out.push(show(MessageType::WARNING, &reason));
                        Err(Failure(ErrorCode::RequestFailed, reason))
                    }
                }
            }
            request::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req.params)?;
                let Some((folder, file)) = self.file(&p.text_document.uri) else {
                    return Ok(Json::Null);
                };
                to_json(symbols::document(folder, file))
            }
            request::WorkspaceSymbolRequest::METHOD => {
                let p: lsp_types::WorkspaceSymbolParams = params(req.params)?;
                let mut found = Vec::new();
                for folder in &self.folders {
                    symbols::workspace(folder, &p.query, &mut found);
                }
                to_json(WorkspaceSymbolResponse::Nested(found))
            }
            request::CodeLensRequest::METHOD => {
                let p: lsp_types::CodeLensParams = params(req.params)?;
                let Some((folder, file)) = self.file(&p.text_document.uri) else {
                    return Ok(Json::Null);
                };
                to_json(examples::lenses(folder, file, &p.text_document.uri))
            }
            request::ExecuteCommand::METHOD => {
                let p: lsp_types::ExecuteCommandParams = params(req.params)?;
                self.execute(&p, out)
            }
            other => Err(Failure(
                ErrorCode::MethodNotFound,
                format!("ruling lsp 不支持请求“{other}”"),
            )),
        }
    }

    fn execute(&mut self, p: &lsp_types::ExecuteCommandParams, out: &mut Vec<Message>) -> Reply {
        if p.command != RUN_EXAMPLES {
            return Err(Failure(
                ErrorCode::InvalidParams,
                format!("未知的命令“{}”；可用的命令：{RUN_EXAMPLES}", p.command),
            ));
        }
        let uri = p
            .arguments
            .first()
            .and_then(Json::as_str)
            .and_then(|s| s.parse::<Uri>().ok())
            .ok_or_else(|| {
                Failure(
                    ErrorCode::InvalidParams,
                    format!("命令 {RUN_EXAMPLES} 需要一个参数：规则文件的 URI"),
                )
            })?;
        let Some(path) = uri_to_path(&uri) else {
            return Err(Failure(
                ErrorCode::InvalidParams,
                format!("“{}”不是本机文件，无法运行其中的示例", uri.as_str()),
            ));
        };
        let folder_at = self.folder_of(&path);
        let Some(folder) = folder_at.and_then(|i| self.folders.get_mut(i)) else {
            return Err(Failure(
                ErrorCode::InvalidParams,
                format!("“{}”不在已打开的规则目录中", path.display()),
            ));
        };
        let Some(file) = folder.file_id(&path) else {
            return Err(Failure(
                ErrorCode::InvalidParams,
                format!("“{}”不在已打开的规则目录中", path.display()),
            ));
        };
        match examples::run(folder, file) {
            Ok((passed, failed)) => {
                let text = if failed == 0 {
                    format!("示例：{passed} 个全部通过")
                } else {
                    format!("示例：{passed} 个通过，{failed} 个未通过（见“问题”面板）")
                };
                let kind = if failed == 0 {
                    MessageType::INFO
                } else {
                    MessageType::WARNING
                };
                self.publish(out, &[]);
                out.push(show(kind, &text));
                Ok(serde_json::json!({ "passed": passed, "failed": failed }))
            }
            Err(reason) => {
                out.push(show(MessageType::ERROR, &reason));
                Err(Failure(ErrorCode::RequestFailed, reason))
            }
        }
    }

    fn notification(&mut self, n: Notification, out: &mut Vec<Message>) {
        match n.method.as_str() {
            notification::Initialized::METHOD => self.publish(out, &[]),
            notification::Exit::METHOD => self.exit = Some(if self.shut_down { 0 } else { 1 }),
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(path) = uri_to_path(&uri).filter(|p| library::is_rule_file(p)) else {
                    return;
                };
                let at = self.folder_for(&path);
                if let Some(folder) = at.and_then(|i| self.folders.get_mut(i)) {
                    if folder.set_buffer(&path, uri, p.text_document.text) {
                        folder.example_runs.clear();
                        folder.analyse();
                    }
                }
                self.publish(out, &[path]);
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                let Some(path) = uri_to_path(&uri) else {
                    return;
                };
                let Some(folder) = self.folder_of(&path).and_then(|i| self.folders.get_mut(i))
                else {
                    return;
                };
                let Some(file) = folder.file_id(&path) else {
                    return;
                };
                let mut text = folder
                    .files
                    .get(file)
                    .map_or(String::new(), |f| f.text().to_string());
                for change in p.content_changes {
                    match change.range {
                        Some(range) => {
                            let lines = super::position::LineIndex::new(&text);
                            let a = lines.offset(&text, range.start);
                            let b = lines.offset(&text, range.end).max(a);
                            text.replace_range(a..b, &change.text);
                        }
                        None => text = change.text,
                    }
                }
                if folder.set_buffer(&path, uri, text) {
                    folder.example_runs.clear();
                    folder.analyse();
                }
                self.publish(out, &[path]);
            }
            notification::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return;
                };
                if let Some(folder) = self.folder_of(&path).and_then(|i| self.folders.get_mut(i)) {
                    folder.close(&path);
                    folder.example_runs.clear();
                    folder.analyse();
                }
                self.publish(out, &[]);
            }
            notification::DidChangeWatchedFiles::METHOD
            | notification::DidSaveTextDocument::METHOD => {
                for folder in &mut self.folders {
                    folder.reload();
                    folder.analyse();
                }
                self.publish(out, &[]);
            }
            // $/cancelRequest, $/setTrace and the like: every request is answered at once, so
            // there is nothing to cancel or trace.
            _ => {}
        }
    }

    fn initialize(&mut self, params: &lsp_types::InitializeParams) {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri_to_path(&f.uri))
            .collect();
        #[allow(deprecated, reason = "older clients send only rootUri")]
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(uri_to_path));
        }
        for root in roots {
            let dir = if root.join("rules").is_dir() {
                root.join("rules")
            } else {
                root
            };
            if !library::rule_files(&dir).is_empty() {
                self.open_folder(&dir);
            }
        }
    }

    fn folder_of_dir(&self, dir: &Path) -> Option<usize> {
        self.folders.iter().position(|f| f.dir == dir)
    }

    /// The folder a file belongs to, if known.
    fn folder_of(&self, path: &Path) -> Option<usize> {
        self.folder_of_dir(path.parent()?)
    }

    /// The folder a file belongs to, loading its folder when it is new.
    fn folder_for(&mut self, path: &Path) -> Option<usize> {
        if let Some(i) = self.folder_of(path) {
            return Some(i);
        }
        let dir = path.parent()?;
        self.folders.push(Folder::load(dir));
        Some(self.folders.len() - 1)
    }

    fn file(&self, uri: &Uri) -> Option<(&Folder, FileId)> {
        let path = uri_to_path(uri)?;
        let folder = self.folders.get(self.folder_of(&path)?)?;
        let file = folder.file_id(&path)?;
        Some((folder, file))
    }

    /// The folder, file and byte offset of a position in a document.
    fn locate(&self, uri: &Uri, pos: Position) -> Option<(&Folder, FileId, usize)> {
        let (folder, file) = self.file(uri)?;
        let (text, lines) = folder.text(file)?;
        Some((folder, file, lines.offset(text, pos)))
    }

    fn target_at(&self, uri: &Uri, pos: Position) -> Option<(&Folder, Target)> {
        let (folder, file, offset) = self.locate(uri, pos)?;
        let occ = folder.analysis.index.at(file, offset)?;
        Some((folder, occ.target.clone()))
    }

    /// Publishes the diagnostics of every file whose list changed, and of the files given
    /// (just opened or edited) in any case.
    fn publish(&mut self, out: &mut Vec<Message>, always: &[PathBuf]) {
        let mut current: HashMap<PathBuf, (Option<Uri>, Vec<lsp_types::Diagnostic>)> =
            HashMap::new();
        for folder in &self.folders {
            for (file, diags) in folder.files.iter().zip(diagnostics::by_file(folder)) {
                current.insert(file.path.clone(), (file.uri(), diags));
            }
        }
        // Files gone from every folder: clear what was shown for them.
        let gone: Vec<PathBuf> = self
            .published
            .keys()
            .filter(|p| !current.contains_key(*p))
            .cloned()
            .collect();
        for path in gone {
            self.published.remove(&path);
            if let Some(uri) = path_to_uri(&path) {
                out.push(diagnostics_message(uri, Vec::new()));
            }
        }
        let mut paths: Vec<&PathBuf> = current.keys().collect();
        paths.sort();
        for path in paths {
            let Some((uri, diags)) = current.get(path) else {
                continue;
            };
            let before = self.published.get(path);
            let changed = match before {
                Some(b) => b != diags,
                None => !diags.is_empty(),
            };
            if !changed && !always.contains(path) {
                continue;
            }
            if let Some(uri) = uri {
                out.push(diagnostics_message(uri.clone(), diags.clone()));
            }
            self.published.insert(path.clone(), diags.clone());
        }
    }
}

fn diagnostics_message(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Message {
    Message::Notification(Notification::new(
        notification::PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    ))
}

fn show(typ: MessageType, message: &str) -> Message {
    Message::Notification(Notification::new(
        notification::ShowMessage::METHOD.to_string(),
        ShowMessageParams {
            typ,
            message: message.to_string(),
        },
    ))
}

fn params<P: DeserializeOwned>(value: Json) -> Result<P, Failure> {
    serde_json::from_value(value)
        .map_err(|e| Failure(ErrorCode::InvalidParams, format!("请求参数不符合协议：{e}")))
}

fn to_json(value: impl serde::Serialize) -> Reply {
    serde_json::to_value(value).map_err(|e| {
        Failure(
            ErrorCode::InternalError,
            format!("内部错误：无法输出结果：{e}"),
        )
    })
}

fn response(id: RequestId, reply: Reply) -> Response {
    match reply {
        Ok(result) => Response {
            id,
            result: Some(result),
            error: None,
        },
        Err(Failure(code, message)) => Response::new_err(id, code as i32, message),
    }
}

fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Kind(
                TextDocumentSyncKind::INCREMENTAL,
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions::default()),
            document_formatting_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![RUN_EXAMPLES.to_string()],
                ..ExecuteCommandOptions::default()
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "ruling".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    }
}
