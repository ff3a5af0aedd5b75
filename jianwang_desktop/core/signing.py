"""The installation's Ed25519 signing key, its fingerprint, and public-key files.

The private key lives beside the database, named after it: `<db file name>.signing-key.pem`
(PKCS#8 PEM, readable by the owner only, optionally encrypted with a passphrase), so two
databases in one folder (two offices) never share a key. It never leaves that file: a
bundle carries only the 32 raw public-key bytes. `<db file name>.signing-key.pub` beside
it holds the public key so the fingerprint can be shown without the passphrase.

Earlier versions used one `signing-key.pem` / `signing-key.pub` per folder. The first
database of that folder that asks for its key after the upgrade takes that pair over
(the files are renamed, not copied), so any other database in the folder gets a key of
its own.

Fingerprint: the first 16 hex digits of sha256 over the 32 raw public-key bytes.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from typing import NamedTuple

from .errors import UserError, os_reason

KEY_SUFFIX = ".signing-key.pem"
PUBLIC_SUFFIX = ".signing-key.pub"
LEGACY_KEY_FILE = "signing-key.pem"  # one per folder, before keys were named after the DB
LEGACY_PUBLIC_FILE = "signing-key.pub"
PASSPHRASE_ENV = "JIANWANG_KEY_PASSPHRASE"

REGION_LINE, DEPARTMENT_LINE = "市(州)", "部门"

# Patterns, compiled (and cached by re) when first used: a start-up needs none of them.
_PEM_BLOCK = r"-----BEGIN PUBLIC KEY-----\s+([A-Za-z0-9+/=\s]+?)-----END PUBLIC KEY-----"
_BARE_BASE64 = r"^[A-Za-z0-9+/]{43}=$"
_PRIVATE_MARKER = rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"


def fingerprint(public_raw: bytes) -> str:
    import hashlib  # loads OpenSSL (a few ms): not at start, where no fingerprint is shown

    return hashlib.sha256(public_raw).hexdigest()[:16]


# How a clerk trusts a key, in the window and at the command line (messages name both).
TRUST_ADD_HOW = "在窗口中用“工具 → 受信任的公钥… → 添加公钥文件…”,命令行用 jianwang trust add 公钥文件"


def grouped(fp: str) -> str:
    """1a2b3c4d5e6f7a8b -> 1a2b 3c4d 5e6f 7a8b, for reading aloud and printing."""
    return " ".join(fp[i:i + 4] for i in range(0, len(fp), 4))


def trusted_unit_text(label: str, office: tuple[str, str] | None) -> str:
    """The office a trusted key signs for, as the list, the command line and the questions
    show it: with its label when that says something else, and a key trusted for no office
    (as m005 leaves one) said to be so."""
    from .domain import geography

    if office is None:
        return f"{label}(未注明单位,不对任何单位受信任)"
    unit = geography().default_unit(*office)
    return unit if label == unit else f"{unit}(备注:{label})"


def parse_fingerprint(text: str) -> str:
    """A fingerprint as a clerk types or copies it ("1A2B 3C4D 5e6f 7a8b") -> 1a2b3c4d5e6f7a8b."""
    fp = "".join(text.split()).lower()  # split() drops full-width spaces too
    if not re.fullmatch(r"[0-9a-f]{16}", fp):
        raise UserError(f"“{text.strip()}”不是签名公钥指纹:指纹是 16 位十六进制数字(0–9、a–f),"
                        "如 1a2b 3c4d 5e6f 7a8b,空格和大小写不限。")
    return fp


class PublicKey(NamedTuple):
    raw: bytes  # 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    @property
    def base64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def verify(self, signature: bytes, message: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def pem(self) -> str:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(serialization.Encoding.PEM,
                                serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def export_text(self, label: str = "", region: str = "", department: str = "") -> str:
        """The file `jianwang key export` writes: comment lines, then a standard PEM block.

        `# 市(州):` and `# 部门:` name the office the key signs for; `jianwang trust add`
        binds the key to that office (office_in_key_text)."""
        lines = ["# 剑网填报 签名公钥(Ed25519)"]
        if label:
            lines.append(f"# 单位:{label}")
        if region and department:
            lines += [f"# {REGION_LINE}:{region}", f"# {DEPARTMENT_LINE}:{department}"]
        lines += [f"# 指纹:{self.fingerprint}", f"# 公钥(base64):{self.base64}", self.pem()]
        return "\n".join(lines).rstrip("\n") + "\n"


class SigningKey:
    """The private key, held only in memory while signing."""

    def __init__(self, private):
        from cryptography.hazmat.primitives import serialization

        self._private = private
        self.public = PublicKey(private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def secret_forms(self) -> tuple[bytes, ...]:
        """The private key as raw bytes and as unencrypted PKCS#8 DER: what must never be sent."""
        from cryptography.hazmat.primitives import serialization

        none = serialization.NoEncryption()
        return (self._private.private_bytes(serialization.Encoding.Raw,
                                            serialization.PrivateFormat.Raw, none),
                self._private.private_bytes(serialization.Encoding.DER,
                                            serialization.PrivateFormat.PKCS8, none))


def refuse_private_key(document: Path, data: bytes, db_path: str | Path,
                       key: SigningKey) -> None:
    """UserError when a document to be sent is this installation's key file or holds a key."""
    path = key_path(db_path)
    try:
        is_key_file = path.exists() and document.exists() and document.samefile(path)
    except OSError:
        is_key_file = False
    if is_key_file:
        raise UserError(f"{document.name} 是本机的签名私钥文件,不能报送,未导出。",
                        ["请选择工作计划或总结的文档(.docx、.pdf 等)。私钥只能留在本机。"])
    if re.search(_PRIVATE_MARKER, data) or any(secret in data for secret in key.secret_forms()):
        raise UserError(f"{document.name} 中含有私钥,不能报送,未导出。",
                        ["私钥一旦发出,别人就能冒用签名;请检查文档,去掉私钥后再导出。"])


def key_path(db_path: str | Path) -> Path:
    """`<db file name>.signing-key.pem` beside the database (taking over a legacy key)."""
    db = Path(db_path).resolve()
    path = db.with_name(db.name + KEY_SUFFIX)
    _adopt_legacy_key(db, path)
    return path


def public_path(db_path: str | Path) -> Path:
    db = Path(db_path).resolve()
    return db.with_name(db.name + PUBLIC_SUFFIX)


def _adopt_legacy_key(db: Path, path: Path) -> None:
    """Rename the folder's old shared `signing-key.pem` (and .pub) to this DB's names, once."""
    legacy = db.with_name(LEGACY_KEY_FILE)
    if path.exists() or not legacy.exists():
        return
    try:
        os.rename(legacy, path)
    except OSError:
        return  # another database took it first, or the folder is read-only: no key here
    legacy_public = db.with_name(LEGACY_PUBLIC_FILE)
    public = db.with_name(db.name + PUBLIC_SUFFIX)
    if legacy_public.exists() and not public.exists():
        try:
            os.rename(legacy_public, public)
        except OSError:
            pass  # the public file is rebuilt from the private key when missing


def has_key(db_path: str | Path) -> bool:
    return key_path(db_path).exists()


def _write_private(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)


def create_key(db_path: str | Path, passphrase: str | None = None) -> SigningKey:
    """Make the installation's key; refuses to replace an existing one."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path(db_path)
    if path.exists():
        raise UserError(f"签名密钥已存在({path}),不会覆盖。")
    private = Ed25519PrivateKey.generate()
    encryption = (serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
                  if passphrase else serialization.NoEncryption())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                encryption)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(path, pem)
    except OSError as e:
        raise UserError(f"无法保存签名密钥 {path}:{os_reason(e)}") from None
    key = SigningKey(private)
    public_path(db_path).write_text(key.public.export_text(), encoding="utf-8")
    return key


def needs_passphrase(db_path: str | Path) -> bool:
    """True when the installation's key exists and is encrypted (ask before exporting)."""
    try:
        return b"ENCRYPTED" in key_path(db_path).read_bytes()
    except OSError:
        return False


def load_key(db_path: str | Path, passphrase: str | None = None) -> SigningKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path(db_path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError(f"无法读取签名密钥 {path}:{os_reason(e)}") from None
    try:
        private = serialization.load_pem_private_key(
            data, passphrase.encode("utf-8") if passphrase else None)
    except TypeError:
        if passphrase:
            raise UserError("签名密钥没有设置口令,请不要输入口令。") from None
        raise UserError("签名密钥设有口令,请输入口令"
                        f"(命令行中用环境变量 {PASSPHRASE_ENV} 提供)。") from None
    except ValueError:
        raise UserError("签名密钥的口令不对,或密钥文件已损坏。") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise UserError(f"{path} 不是 Ed25519 签名密钥。")
    return SigningKey(private)


def installation_key(db_path: str | Path, passphrase: str | None = None) -> SigningKey:
    """The key beside the database, made on first use."""
    if has_key(db_path):
        return load_key(db_path, passphrase)
    return create_key(db_path, passphrase)


def installation_public_key(db_path: str | Path) -> PublicKey | None:
    """The public half, without needing the passphrase; None before the first key exists."""
    path = key_path(db_path)
    public = public_path(db_path)
    if public.exists():
        return parse_public_key(public.read_text(encoding="utf-8"), str(public))
    if path.exists():
        return load_key(db_path).public
    return None


def parse_public_key(text: str, source: str = "公钥文件") -> PublicKey:
    """A PEM public key (as `key export` writes), or the bare base64 of the 32 raw bytes."""
    match = re.search(_PEM_BLOCK, text)
    if match:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            key = serialization.load_pem_public_key(match.group(0).encode("ascii"))
        except ValueError:
            raise UserError(f"{source} 中的公钥无法识别。") from None
        if not isinstance(key, Ed25519PublicKey):
            raise UserError(f"{source} 中的公钥不是 Ed25519 公钥。")
        return PublicKey(key.public_bytes(serialization.Encoding.Raw,
                                          serialization.PublicFormat.Raw))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if len(lines) == 1 and re.match(_BARE_BASE64, lines[0]):
        try:
            return PublicKey(base64.b64decode(lines[0], validate=True))
        except binascii.Error:
            pass
    raise UserError(f"{source} 不是公钥文件:应为 jianwang key export 导出的文件。")


def read_public_key_file(path: str | Path) -> PublicKey:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        reason = os_reason(e) if isinstance(e, OSError) else "不是文本文件"
        raise UserError(f"无法读取公钥文件 {path}:{reason}") from None
    return parse_public_key(text, str(path))


def office_in_key_text(text: str) -> tuple[str, str] | None:
    """(region, department) a public-key file names, or None when it names no known office.

    Files written since keys are bound to offices carry `# 市(州):` and `# 部门:`; an older
    file only `# 单位:`, which counts when it is exactly an office's standard name."""
    from .domain import geography

    fields = {}
    for line in text.splitlines():
        if line.startswith("#") and ":" in line:
            name, _, value = line[1:].partition(":")
            fields[name.strip()] = value.strip()
    geo = geography()
    region, department = fields.get(REGION_LINE), fields.get(DEPARTMENT_LINE)
    if region and department:
        return (region, department) if geo.department(region, department) else None
    unit = fields.get("单位")
    offices = [(r, d) for r, d in geo.filers()] + [
        (geo.province, d.name) for d in geo.provincial_departments]
    for region, department in offices:
        if unit and geo.default_unit(region, department) == unit:
            return region, department
    return None


def read_public_key_file_with_office(path: str | Path) -> tuple[PublicKey, tuple[str, str] | None]:
    """The key of a public-key file and the office it names (None when it names none)."""
    key = read_public_key_file(path)
    text = Path(path).read_text(encoding="utf-8-sig")
    return key, office_in_key_text(text)
