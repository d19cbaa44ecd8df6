#include "ui/CodeLanguage.h"

#include <QHash>

namespace caduceus::ui {

namespace {

QSet<QString> words(const char *spaceSeparated)
{
    QSet<QString> result;
    const QStringList list = QString::fromLatin1(spaceSeparated).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &word : list)
        result.insert(word);
    return result;
}

CodeLanguage cLike()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::CLike;
    language.name = QStringLiteral("cpp");
    language.keywords = words(
        "alignas alignof asm break case catch class concept const consteval constexpr constinit const_cast "
        "continue co_await co_return co_yield decltype default delete do dynamic_cast else enum explicit "
        "export extern final for friend goto if inline mutable namespace new noexcept operator override "
        "private protected public register reinterpret_cast requires return sizeof static static_assert "
        "static_cast struct switch template this thread_local throw try typedef typeid typename union using "
        "virtual volatile while");
    language.types = words("auto bool char char8_t char16_t char32_t double float int long short signed "
                           "unsigned void wchar_t size_t ssize_t ptrdiff_t intptr_t uintptr_t int8_t int16_t "
                           "int32_t int64_t uint8_t uint16_t uint32_t uint64_t std string vector map "
                           "unique_ptr shared_ptr optional QString QObject QList QVariant");
    language.literals = words("true false nullptr NULL");
    language.lineComments = {QStringLiteral("//")};
    language.blockCommentStart = QStringLiteral("/*");
    language.blockCommentEnd = QStringLiteral("*/");
    language.quotes = QStringLiteral("\"'");
    language.hashDirectives = true;
    return language;
}

CodeLanguage python()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::Python;
    language.name = QStringLiteral("python");
    language.keywords = words("and as assert async await break class continue def del elif else except "
                              "finally for from global if import in is lambda nonlocal not or pass raise "
                              "return try while with yield match case");
    language.types = words("int float str bool bytes list dict set tuple object type complex frozenset");
    language.literals = words("True False None");
    language.builtins = words("print len range enumerate zip map filter open isinstance super self cls "
                              "sorted reversed min max sum abs any all repr getattr setattr hasattr iter next");
    language.lineComments = {QStringLiteral("#")};
    language.quotes = QStringLiteral("\"'");
    language.tripleQuotes = true;
    language.decorators = true;
    return language;
}

CodeLanguage javaScript()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::JavaScript;
    language.name = QStringLiteral("javascript");
    language.keywords = words(
        "async await break case catch class const continue debugger default delete do else export extends "
        "finally for from function if import in instanceof let new of return static super switch this throw "
        "try typeof var void while with yield as implements interface type enum declare namespace readonly "
        "abstract private protected public keyof satisfies");
    language.types = words("string number boolean any unknown never object symbol bigint Array Promise "
                           "Record Map Set Date Error");
    language.literals = words("true false null undefined NaN Infinity");
    language.builtins = words("console window document JSON Math Object require module process");
    language.lineComments = {QStringLiteral("//")};
    language.blockCommentStart = QStringLiteral("/*");
    language.blockCommentEnd = QStringLiteral("*/");
    language.quotes = QStringLiteral("\"'`");
    language.multiLineQuotes = QStringLiteral("`");
    language.decorators = true;
    return language;
}

CodeLanguage json()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::Json;
    language.name = QStringLiteral("json");
    language.literals = words("true false null");
    language.quotes = QStringLiteral("\"");
    language.keyBeforeColon = true;
    // JSONC and JSON5 files in answers often carry comments; colouring them costs nothing.
    language.lineComments = {QStringLiteral("//")};
    language.blockCommentStart = QStringLiteral("/*");
    language.blockCommentEnd = QStringLiteral("*/");
    return language;
}

CodeLanguage bash()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::Bash;
    language.name = QStringLiteral("bash");
    language.keywords = words("if then else elif fi for while until do done case esac in function select "
                              "return break continue local export readonly declare unset shift exit time");
    language.literals = words("true false");
    language.builtins = words("echo printf cd pwd source alias eval exec set test read trap kill wait "
                              "sudo grep sed awk cat ls mkdir rm cp mv chmod chown find xargs curl git make "
                              "cmake apt pip npm tar ssh");
    language.lineComments = {QStringLiteral("#")};
    language.quotes = QStringLiteral("\"'");
    language.multiLineQuotes = QStringLiteral("\"'");
    language.dollarVariables = true;
    language.commentNeedsSpaceBefore = true;
    return language;
}

CodeLanguage rust()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::Rust;
    language.name = QStringLiteral("rust");
    language.keywords = words("as async await break const continue crate dyn else enum extern fn for if impl "
                              "in let loop match mod move mut pub ref return static struct super trait type "
                              "unsafe use where while");
    language.types = words("i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str "
                           "String Vec Option Result Box Rc Arc HashMap HashSet Self");
    language.literals = words("true false None Some Ok Err self");
    language.lineComments = {QStringLiteral("//")};
    language.blockCommentStart = QStringLiteral("/*");
    language.blockCommentEnd = QStringLiteral("*/");
    language.quotes = QStringLiteral("\"'");
    language.multiLineQuotes = QStringLiteral("\"");
    language.rustAttributes = true;
    language.macroCalls = true;
    return language;
}

CodeLanguage go()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::Go;
    language.name = QStringLiteral("go");
    language.keywords = words("break case chan const continue default defer else fallthrough for func go goto "
                              "if import interface map package range return select struct switch type var");
    language.types = words("bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 "
                           "rune string uint uint8 uint16 uint32 uint64 uintptr any");
    language.literals = words("true false nil iota");
    language.builtins = words("append cap close copy delete len make new panic print println recover fmt");
    language.lineComments = {QStringLiteral("//")};
    language.blockCommentStart = QStringLiteral("/*");
    language.blockCommentEnd = QStringLiteral("*/");
    language.quotes = QStringLiteral("\"'`");
    language.multiLineQuotes = QStringLiteral("`");
    return language;
}

CodeLanguage yaml()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::Yaml;
    language.name = QStringLiteral("yaml");
    language.literals = words("true false null yes no on off True False Null TRUE FALSE NULL ~");
    language.lineComments = {QStringLiteral("#")};
    language.quotes = QStringLiteral("\"'");
    language.keyBeforeColon = true;
    language.commentNeedsSpaceBefore = true;
    return language;
}

CodeLanguage sql()
{
    CodeLanguage language;
    language.family = CodeLanguage::Family::Sql;
    language.name = QStringLiteral("sql");
    language.keywords = words(
        "select from where and or not insert into values update set delete create table drop alter add "
        "column index view trigger primary key foreign references join inner left right outer full cross on "
        "as group by order having limit offset union all distinct case when then else end exists in between "
        "like is with begin commit rollback transaction pragma if replace default unique check constraint "
        "returning asc desc conflict do nothing virtual using");
    language.types = words("integer int bigint smallint real double float numeric decimal text varchar char "
                           "blob boolean date time timestamp datetime serial json jsonb uuid");
    language.literals = words("null true false");
    language.builtins = words("count sum avg min max coalesce ifnull nullif length lower upper substr trim "
                              "round abs now cast date strftime json_extract group_concat");
    language.lineComments = {QStringLiteral("--")};
    language.blockCommentStart = QStringLiteral("/*");
    language.blockCommentEnd = QStringLiteral("*/");
    language.quotes = QStringLiteral("'\"`");
    language.caseInsensitive = true;
    return language;
}

} // namespace

CodeLanguage CodeLanguage::forName(const QString &name)
{
    static const QHash<QString, CodeLanguage (*)()> factories = {
        {QStringLiteral("c"), cLike},           {QStringLiteral("h"), cLike},
        {QStringLiteral("cpp"), cLike},         {QStringLiteral("c++"), cLike},
        {QStringLiteral("cxx"), cLike},         {QStringLiteral("cc"), cLike},
        {QStringLiteral("hpp"), cLike},         {QStringLiteral("hxx"), cLike},
        {QStringLiteral("objc"), cLike},        {QStringLiteral("java"), cLike},
        {QStringLiteral("cs"), cLike},          {QStringLiteral("csharp"), cLike},
        {QStringLiteral("python"), python},     {QStringLiteral("py"), python},
        {QStringLiteral("python3"), python},    {QStringLiteral("py3"), python},
        {QStringLiteral("javascript"), javaScript}, {QStringLiteral("js"), javaScript},
        {QStringLiteral("jsx"), javaScript},    {QStringLiteral("mjs"), javaScript},
        {QStringLiteral("cjs"), javaScript},    {QStringLiteral("typescript"), javaScript},
        {QStringLiteral("ts"), javaScript},     {QStringLiteral("tsx"), javaScript},
        {QStringLiteral("qml"), javaScript},    {QStringLiteral("json"), json},
        {QStringLiteral("jsonc"), json},        {QStringLiteral("json5"), json},
        {QStringLiteral("jsonl"), json},        {QStringLiteral("bash"), bash},
        {QStringLiteral("sh"), bash},           {QStringLiteral("shell"), bash},
        {QStringLiteral("zsh"), bash},          {QStringLiteral("console"), bash},
        {QStringLiteral("shell-session"), bash}, {QStringLiteral("dockerfile"), bash},
        {QStringLiteral("rust"), rust},         {QStringLiteral("rs"), rust},
        {QStringLiteral("go"), go},             {QStringLiteral("golang"), go},
        {QStringLiteral("yaml"), yaml},         {QStringLiteral("yml"), yaml},
        {QStringLiteral("sql"), sql},           {QStringLiteral("sqlite"), sql},
        {QStringLiteral("postgresql"), sql},    {QStringLiteral("postgres"), sql},
        {QStringLiteral("mysql"), sql},         {QStringLiteral("plsql"), sql},
    };
    const auto factory = factories.constFind(name.trimmed().toLower());
    if (factory == factories.constEnd())
        return {};
    return (*factory)();
}

} // namespace caduceus::ui
