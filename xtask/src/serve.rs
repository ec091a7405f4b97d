//! `cargo xtask serve` and the static file server the browser tests use.
//!
//! A deliberately tiny HTTP/1.1 server on std::net: one request per connection, GET and HEAD
//! only, files under one root directory, MIME types that browsers insist on (`application/wasm`
//! for streaming compilation, `text/javascript` for module scripts). It is for loopback
//! development and tests, not for production hosting (any static host serves `dist/`).

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Result;

/// Builds `dist/` and serves it at `http://127.0.0.1:<port>/` until interrupted.
pub fn serve(root: &Path, port: u16) -> Result<()> {
    let dist = crate::dist::dist(root)?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|err| format!("cannot listen on 127.0.0.1:{port}: {err}"))?;
    println!(
        "xtask: serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)",
        dist.display()
    );
    serve_forever(&listener, &dist);
    Ok(())
}

/// Answers requests on `listener` with files from `dir`, one connection at a time, forever.
/// A failing connection is reported and skipped; it never stops the server.
pub fn serve_forever(listener: &TcpListener, dir: &Path) {
    for stream in listener.incoming() {
        let result = stream.and_then(|stream| handle(stream, dir));
        if let Err(err) = result {
            eprintln!("xtask serve: {err}");
        }
    }
}

/// Reads one request from `stream` and writes the response.
fn handle(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers (bounded), which this server does not need.
    let mut header = String::new();
    for _ in 0..100 {
        header.clear();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed\n",
            true,
        );
    }
    let Some(path) = resolve(dir, target) else {
        return respond(
            &mut stream,
            400,
            "text/plain; charset=utf-8",
            b"bad request\n",
            true,
        );
    };
    match fs::read(&path) {
        Ok(body) => respond(&mut stream, 200, mime_type(&path), &body, method == "GET"),
        Err(_) => respond(
            &mut stream,
            404,
            "text/plain; charset=utf-8",
            b"not found\n",
            method == "GET",
        ),
    }
}

/// Writes a complete response and closes the connection.
fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if with_body {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Maps a request target to a file under `dir`: drops the query, decodes `%XX`, serves
/// `index.html` for directories, and refuses anything that could leave `dir` (`..`, NUL,
/// backslashes).
fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let path = path.strip_prefix('/')?;
    let decoded = percent_decode(path)?;
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') => return None,
            s => file.push(s),
        }
    }
    if decoded.is_empty() || decoded.ends_with('/') || file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(bytes.get(index + 1..index + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, by extension.
fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "yaml" | "yml" => "text/yaml; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Browsers refuse module scripts and streaming Wasm compilation without these types.
    #[test]
    fn mime_types_for_the_page() {
        assert_eq!(mime_type(Path::new("kubeniwa_bg.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("kubeniwa.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            mime_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(mime_type(Path::new("style.css")), "text/css; charset=utf-8");
    }

    /// Paths stay inside the served directory, whatever the request says.
    #[test]
    fn resolve_stays_inside_the_root() {
        let root = Path::new("/srv/dist");
        assert_eq!(resolve(root, "/"), Some(root.join("index.html")));
        assert_eq!(
            resolve(root, "/kubeniwa.js?v=1"),
            Some(root.join("kubeniwa.js"))
        );
        assert_eq!(resolve(root, "/a%20b.txt"), Some(root.join("a b.txt")));
        assert_eq!(resolve(root, "/../etc/passwd"), None);
        assert_eq!(resolve(root, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(root, "/a%5c..%5cb"), None);
        assert_eq!(resolve(root, "/%zz"), None);
        assert_eq!(resolve(root, "no-slash"), None);
    }

    /// End to end over a real socket: a file comes back with its type, a missing one is 404.
    #[test]
    fn serves_files_over_loopback() {
        let dir = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        fs::write(dir.join("index.html"), "<!doctype html><p>hi</p>").expect("write index");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let served = dir.clone();
        std::thread::spawn(move || serve_forever(&listener, &served));

        let fetch = |path: &str| {
            let mut stream = TcpStream::connect(addr).expect("connect");
            write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").expect("send request");
            let mut response = String::new();
            stream.read_to_string(&mut response).expect("read response");
            response
        };
        let index = fetch("/");
        assert!(index.starts_with("HTTP/1.1 200 OK\r\n"), "{index}");
        assert!(index.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(index.ends_with("<p>hi</p>"));
        let missing = fetch("/nope.wasm");
        assert!(
            missing.starts_with("HTTP/1.1 404 Not Found\r\n"),
            "{missing}"
        );
        fs::remove_dir_all(&dir).ok();
    }
}
