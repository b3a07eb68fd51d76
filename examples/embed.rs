//! Embedding `ruling` in another program through its public API only: load the rules built
//! into the library, read a case given as JSON on the command line (or a small example), and
//! print each conclusion with its value.
//!
//! ```sh
//! cargo run --example embed -- '{"被帮助对象犯罪查证": "已查证达到", "电话卡数": 25}'
//! ```

use ruling::{report, CaseFormat, Options, Rules};

fn main() -> std::process::ExitCode {
    let text = std::env::args().nth(1).unwrap_or_else(|| {
        r#"{"案件": "嵌入示例", "被帮助对象犯罪查证": "已查证达到", "电话卡数": 25}"#.into()
    });
    let rules = match Rules::builtin() {
        Ok(r) => r,
        Err(rejected) => {
            eprint!("{}", rejected.message());
            return std::process::ExitCode::from(1);
        }
    };
    let case = match rules.read_case(&text, CaseFormat::Json) {
        Ok(c) => c,
        Err(diagnostics) => {
            for d in diagnostics {
                eprintln!("{}", d.message);
                if let Some(help) = d.help {
                    eprintln!("  提示：{help}");
                }
            }
            return std::process::ExitCode::from(2);
        }
    };
    let evaluated = rules.evaluate(
        &case,
        Options {
            closed_world: false,
            needs: true,
            explain: true,
        },
    );
    let report = report::build(&evaluated);
    for c in &report.conclusions {
        println!("{}：{}", c.name, c.shown);
    }
    std::process::ExitCode::SUCCESS
}
