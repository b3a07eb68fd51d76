//! `ruling completions` and `ruling manpage`: a shell completion script and the man page, both
//! drawn from the same (Chinese) command definition as `--help`.

use super::OK;

pub(super) const AFTER: &str = "示例：\n  ruling completions bash > ~/.local/share/bash-completion/completions/ruling\n  \
ruling completions zsh > ~/.zfunc/_ruling\n  ruling completions fish > ~/.config/fish/completions/ruling.fish\n  \
ruling completions powershell >> $PROFILE\n\n退出码：0 成功；2 不支持的 shell";

pub(super) const MAN_AFTER: &str =
    "示例：\n  ruling manpage > ruling.1\n  man ./ruling.1\n\n退出码：0 成功";

/// The shells `completions` writes for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum Shell {
    /// Bash
    Bash,
    /// Zsh
    Zsh,
    /// Fish
    Fish,
    /// PowerShell
    Powershell,
}

/// `ruling completions`
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// shell 的名称
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

pub(super) fn run(args: &Args) -> i32 {
    use clap_complete::Shell as S;
    let shell = match args.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Powershell => S::PowerShell,
    };
    let mut cmd = super::command();
    clap_complete::generate(shell, &mut cmd, "ruling", &mut std::io::stdout());
    OK
}

/// The man page's section headings in Chinese (clap_mangen writes them in English).
const HEADINGS: &[(&str, &str)] = &[
    (".SH NAME", ".SH 名称"),
    (".SH SYNOPSIS", ".SH 用法"),
    (".SH DESCRIPTION", ".SH 说明"),
    (".SH OPTIONS", ".SH 选项"),
    (".SH SUBCOMMANDS", ".SH 命令"),
    (".SH EXTRA", ".SH 示例与退出码"),
    (".SH VERSION", ".SH 版本"),
];

pub(super) fn manpage() -> i32 {
    let mut roff = Vec::new();
    if let Err(e) = clap_mangen::Man::new(super::command()).render(&mut roff) {
        eprintln!("错误：无法生成手册页：{e}");
        return super::PROBLEMS;
    }
    let mut text = String::from_utf8_lossy(&roff).into_owned();
    for (en, zh) in HEADINGS {
        text = text.replace(en, zh);
    }
    print!("{}", super::zh::finish(&text));
    OK
}
