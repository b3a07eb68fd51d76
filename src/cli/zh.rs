//! The command line in Chinese: clap's headings, usage line, help and version flags, default
//! and possible values, and its error messages. clap writes these in English; legal staff
//! read only Chinese, so the command definition is rewritten here once, for every subcommand,
//! and clap's errors are drawn anew from their kind and context.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// Help layout with Chinese headings. clap's `{all-args}` takes each argument's heading, which
/// [`localize`] sets to 参数 or 选项, and the subcommand heading set below.
const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// The version line: the crate's version, the commit it was built from and the fingerprint of
/// the rules built into it.
pub(super) fn version() -> String {
    format!(
        "{}（提交 {}，内置规则指纹 {}）",
        env!("CARGO_PKG_VERSION"),
        env!("RULING_COMMIT"),
        ruling::ruleset::embedded().fingerprint
    )
}

/// The command definition with Chinese headings, flags and value notes, recursively.
pub(super) fn localize(cmd: Command) -> Command {
    let cmd = cmd
        .version(version())
        .disable_version_flag(true)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本、构建所依据的提交和内置规则的指纹"),
        );
    with_chinese_args(cmd)
}

fn with_chinese_args(cmd: Command) -> Command {
    cmd.help_template(TEMPLATE)
        .disable_help_flag(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示本帮助"),
        )
        .mut_args(chinese_arg)
        .mut_subcommands(with_chinese_args)
}

/// An argument's heading, and its default and possible values written into its help in
/// Chinese (clap's own notes say `[default: …]`, `[possible values: …]`).
fn chinese_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        "参数"
    } else {
        "选项"
    };
    let arg = arg.help_heading(heading);
    // clap names a value after its field (`--format <FORMAT>`) unless told otherwise.
    let arg = if arg.get_id() == "format" {
        arg.value_name("格式")
    } else {
        arg
    };
    if !arg.get_action().takes_values() {
        return arg;
    }
    let mut notes = Vec::new();
    let values = arg.get_possible_values();
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        let shown: Vec<String> = values
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(h) => format!("{} {}", v.get_name(), h),
                None => v.get_name().to_string(),
            })
            .collect();
        notes.push(format!("可选：{}", shown.join("；")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() {
        notes.push(format!("默认：{}", defaults.join("、")));
    }
    if notes.is_empty() {
        return arg;
    }
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    arg.hide_possible_values(true)
        .hide_default_value(true)
        .help(format!("{help}（{}）", notes.join("；")))
}

/// clap's own words left in what it renders (the usage line's option tag).
pub(super) fn finish(text: &str) -> String {
    text.replace("[OPTIONS]", "[选项]")
        .replace("Usage: ", "用法：")
}

/// A clap error as a Chinese message: what is wrong, the usage line, where to read more.
pub(super) fn error_message(e: &clap::Error) -> String {
    let text = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join("、"),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(v)) => v
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            Some(ContextValue::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    let mut message = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = text(ContextKind::ValidValue);
            if value.is_empty() {
                format!("“{arg}”后面缺少值")
            } else if valid.is_empty() {
                format!("“{arg}”的值“{value}”无效")
            } else {
                format!("“{arg}”的值“{value}”无效；可选的值：{valid}")
            }
        }
        ErrorKind::UnknownArgument => format!("无法识别的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => {
            let sub = text(ContextKind::InvalidSubcommand);
            format!("没有名为“{sub}”的命令")
        }
        ErrorKind::NoEquals => format!("“{arg}”的值须用等号连接，如 {arg}=值"),
        ErrorKind::ValueValidation => format!("“{arg}”的值“{value}”无效"),
        ErrorKind::TooManyValues => format!("“{arg}”给出的值过多：“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("“{arg}”的值个数不对")
        }
        ErrorKind::ArgumentConflict => {
            let prior = text(ContextKind::PriorArg);
            format!("“{arg}”不能与“{prior}”同时使用")
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行有误".to_string(),
    };
    let suggestion = [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ]
    .into_iter()
    .map(text)
    .find(|s| !s.is_empty());
    if let Some(s) = suggestion {
        message.push_str(&format!("。是否应为“{s}”？"));
    } else if e.kind() == ErrorKind::InvalidSubcommand {
        message.push_str("。可用的命令见 ruling --help");
    }
    if e.kind() == ErrorKind::UnknownArgument && arg.starts_with('-') && !arg.starts_with("--") {
        message.push_str(&format!("。如果“{arg}”是文件名，请写作 ./{arg}"));
    }
    let usage = finish(&text(ContextKind::Usage));
    let mut out = format!("错误：{message}\n");
    if !usage.trim().is_empty() {
        out.push_str(&format!("\n{}\n", usage.trim_end()));
    }
    out.push_str("\n更多说明请加 --help 查看。\n");
    out
}

/// Parses the command line; help, version and usage errors are printed in Chinese and give
/// the exit code instead.
pub(super) fn parse() -> Result<super::Cli, i32> {
    use clap::FromArgMatches as _;
    let matches = super::command()
        .try_get_matches()
        .and_then(|m| super::Cli::from_arg_matches(&m));
    matches.map_err(|e| {
        use clap::error::ErrorKind;
        match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                print!("{}", finish(&e.render().to_string()));
                super::OK
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                eprint!("{}", finish(&e.render().to_string()));
                super::BAD_INPUT
            }
            _ => {
                eprint!("{}", error_message(&e));
                super::BAD_INPUT
            }
        }
    })
}
