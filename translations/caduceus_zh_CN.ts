<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AbortProgress</name>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>waiting for the agent to unwind</source>
        <translation>正在等待智能体收尾</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Caduceus</source>
        <translation>关于 Caduceus</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <source>Copy the version</source>
        <translation>复制版本号</translation>
    </message>
    <message>
        <source>A native desktop chat client for Hermes Agent, and a local relay that lets the hermes-web-ui chat page share the same live sessions.</source>
        <translation>Hermes Agent 的原生桌面聊天客户端，附带本地中继，让 hermes-web-ui 聊天页面共享同一批实时会话。</translation>
    </message>
    <message>
        <source>Keys and tokens are kept in the system keychain. In a terminal, `caduceus --help` lists the chat and relay commands.</source>
        <translation>密钥和令牌保存在系统钥匙串中。在终端中运行 `caduceus --help` 可查看聊天和中继命令。</translation>
    </message>
</context>
<context>
    <name>AgentTrustSection</name>
    <message>
        <source>Send attachments&apos; contents, not paths (the agent is on another computer)</source>
        <translation>发送附件内容而非路径（智能体在另一台电脑上）</translation>
    </message>
    <message>
        <source>TLS certificates</source>
        <translation>TLS 证书</translation>
    </message>
    <message>
        <source>SHA-256 %1</source>
        <translation>SHA-256 %1</translation>
    </message>
    <message>
        <source>Trust this certificate</source>
        <translation>信任此证书</translation>
    </message>
    <message>
        <source>No certificate is trusted explicitly: https agents need a certificate from a CA this system trusts.</source>
        <translation>没有单独信任的证书：https 智能体需要由本系统信任的 CA 签发的证书。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Stop trusting the certificate of %1</source>
        <translation>不再信任 %1 的证书</translation>
    </message>
</context>
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>Allow once</source>
        <translation>允许一次</translation>
    </message>
    <message>
        <source>Allow for this run</source>
        <translation>本次运行内允许</translation>
    </message>
    <message>
        <source>Always allow</source>
        <translation>始终允许</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Approval needed</source>
        <translation>需要批准</translation>
    </message>
    <message>
        <source>The agent wants to run this command.</source>
        <translation>智能体想要运行此命令。</translation>
    </message>
    <message numerus="yes">
        <source>%n pending</source>
        <translation>
            <numerusform>%n 项待处理</numerusform>
        </translation>
    </message>
    <message>
        <source>Command: %1</source>
        <translation>命令：%1</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>匹配模式</translation>
    </message>
    <message numerus="yes">
        <source>Apply to all %n pending</source>
        <translation>
            <numerusform>应用于全部 %n 项待处理</numerusform>
        </translation>
    </message>
    <message>
        <source>Timed out: the agent denied this command</source>
        <translation>已超时：智能体拒绝了此命令</translation>
    </message>
    <message numerus="yes">
        <source>Auto-deny in %n s</source>
        <translation>
            <numerusform>%n 秒后自动拒绝</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AssistantHeader</name>
    <message>
        <source>Hermes</source>
        <translation>Hermes</translation>
    </message>
</context>
<context>
    <name>AssistantMessage</name>
    <message>
        <source>Hermes</source>
        <translation>Hermes</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Incomplete</source>
        <translation>未完成</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
</context>
<context>
    <name>AttachDialog</name>
    <message>
        <source>Attach files</source>
        <translation>附加文件</translation>
    </message>
</context>
<context>
    <name>AttachmentChip</name>
    <message>
        <source>Attachment %1</source>
        <translation>附件 %1</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
</context>
<context>
    <name>ChatBackend</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>No session is open.</source>
        <translation>没有打开的会话。</translation>
    </message>
    <message>
        <source>This agent cannot take guidance during a run; the message was not sent.</source>
        <translation>此智能体在运行期间无法接受引导，消息未发送。</translation>
    </message>
    <message>
        <source>Cannot attach %1: it is not a readable file.</source>
        <translation>无法附加 %1：它不是可读取的文件。</translation>
    </message>
    <message>
        <source>The key could not be saved in the keychain: %1</source>
        <translation>无法将密钥保存到钥匙串：%1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an agent address: use http://host:port or https://host, e.g. http://127.0.0.1:8642.</source>
        <translation>“%1”不是智能体地址：请使用 http://主机:端口 或 https://主机，例如 http://127.0.0.1:8642。</translation>
    </message>
    <message>
        <source>Demo agent</source>
        <translation>演示智能体</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be trusted for %2: a SHA-256 fingerprint of an https address is needed.</source>
        <translation>无法为 %2 信任“%1”：需要 https 地址的 SHA-256 指纹。</translation>
    </message>
</context>
<context>
    <name>ChatPane</name>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>What can Hermes do for you?</source>
        <translation>Hermes 能为你做些什么？</translation>
    </message>
    <message>
        <source>Ask a question, paste code or drop a file. Press Enter to send, Shift+Enter for a new line.</source>
        <translation>提问、粘贴代码或拖入文件。按 Enter 发送，Shift+Enter 换行。</translation>
    </message>
    <message>
        <source>Explain this repository&apos;s structure</source>
        <translation>解释这个仓库的结构</translation>
    </message>
    <message>
        <source>Write a shell script that backs up ~/notes</source>
        <translation>写一个备份 ~/notes 的 Shell 脚本</translation>
    </message>
    <message>
        <source>Review my last commit for bugs</source>
        <translation>检查我上一次提交中的缺陷</translation>
    </message>
    <message>
        <source>Jump to latest</source>
        <translation>跳到最新</translation>
    </message>
    <message>
        <source>Rename this chat (F2)</source>
        <translation>重命名此对话 (F2)</translation>
    </message>
</context>
<context>
    <name>CodeBlock</name>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <source>Code, %1</source>
        <translation>代码，%1</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message Hermes…</source>
        <translation>给 Hermes 发消息…</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>附加文件</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter inserts a new line</source>
        <translation>Enter 发送，Shift+Enter 换行</translation>
    </message>
    <message>
        <source>Steer the running turn</source>
        <translation>引导正在进行的回合</translation>
    </message>
    <message>
        <source>When on, Enter sends your message into the running turn instead of queueing it</source>
        <translation>开启后，按 Enter 会把消息送入正在进行的回合，而不是加入队列</translation>
    </message>
    <message>
        <source>Steer</source>
        <translation>引导</translation>
    </message>
    <message>
        <source>Drop to attach</source>
        <translation>松开即可附加</translation>
    </message>
    <message>
        <source>Working… messages you send now are queued</source>
        <translation>处理中…现在发送的消息会排队等候</translation>
    </message>
    <message>
        <source>Enter steers the running turn</source>
        <translation>Enter 引导正在进行的回合</translation>
    </message>
    <message>
        <source>Files cannot steer: Enter queues this message</source>
        <translation>文件无法用于引导：按 Enter 会将此消息加入队列</translation>
    </message>
    <message>
        <source>Enter queues this message</source>
        <translation>Enter 将此消息加入队列</translation>
    </message>
    <message>
        <source>Enter to send · Shift+Enter for a new line</source>
        <translation>Enter 发送 · Shift+Enter 换行</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Queue message</source>
        <translation>加入队列</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop the running turn (Esc)</source>
        <translation>停止正在进行的回合 (Esc)</translation>
    </message>
    <message>
        <source>Drop files here instead.</source>
        <translation>请改为将文件拖放到此处。</translation>
    </message>
    <message>
        <source>The file dialog cannot open. Drop files here instead.</source>
        <translation>无法打开文件对话框。请改为将文件拖放到此处。</translation>
    </message>
</context>
<context>
    <name>CompressionBanner</name>
    <message>
        <source>Compressing context: summarising 1 earlier message</source>
        <translation>正在压缩上下文：总结 1 条较早的消息</translation>
    </message>
    <message>
        <source>Compressing context: summarising %1 earlier messages</source>
        <translation>正在压缩上下文：总结 %1 条较早的消息</translation>
    </message>
    <message>
        <source> (~%1 tokens)…</source>
        <translation>（约 %1 个 token）…</translation>
    </message>
    <message>
        <source>Context compression failed: %1. The previous summary is used.</source>
        <translation>上下文压缩失败：%1。将沿用之前的摘要。</translation>
    </message>
    <message>
        <source>Context compressed: %1 → %2 tokens</source>
        <translation>上下文已压缩：%1 → %2 个 token</translation>
    </message>
    <message>
        <source>, %1 of %2 messages kept verbatim</source>
        <translation>，%2 条消息中保留原文 %1 条</translation>
    </message>
    <message>
        <source>Context compressed</source>
        <translation>上下文已压缩</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Context compression failed: %1. %2.</source>
        <translation>上下文压缩失败：%1。%2。</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message>
        <source>Context used: %1 of %2 tokens</source>
        <translation>已用上下文：%1 / %2 个 token</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Context: %1 of %2 tokens (%3 %)</source>
        <translation>上下文：%1 / %2 个 token（%3%）</translation>
    </message>
</context>
<context>
    <name>CopyButton</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>DesktopNotifier</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Hermes could not finish</source>
        <translation>Hermes 未能完成</translation>
    </message>
    <message>
        <source>Hermes has answered</source>
        <translation>Hermes 已回答</translation>
    </message>
    <message>
        <source>The run in &quot;%1&quot; failed.</source>
        <translation>“%1”中的运行失败了。</translation>
    </message>
    <message>
        <source>Hermes asks for approval</source>
        <translation>Hermes 请求批准</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>ErrorRow</name>
    <message>
        <source>Something went wrong</source>
        <translation>出了点问题</translation>
    </message>
    <message>
        <source>Copy error</source>
        <translation>复制错误信息</translation>
    </message>
</context>
<context>
    <name>ImageThumbnail</name>
    <message>
        <source>Image %1</source>
        <translation>图片 %1</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>You are chatting with the Demo agent: a simulated Hermes that gives sample answers. Connect a real Hermes Agent in Settings.</source>
        <translation>你正在与演示智能体聊天：这是一个给出示例回答的模拟 Hermes。请在“设置”中连接真正的 Hermes Agent。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Trust this certificate</source>
        <translation>信任此证书</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
</context>
<context>
    <name>QueueBadge</name>
    <message>
        <source>1 queued message</source>
        <translation>1 条排队消息</translation>
    </message>
    <message>
        <source>%1 queued messages</source>
        <translation>%1 条排队消息</translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n 条排队</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <source>Queued messages</source>
        <translation>排队消息</translation>
    </message>
    <message>
        <source>Up next</source>
        <translation>下一条</translation>
    </message>
    <message>
        <source>Runs after the current turn</source>
        <translation>在当前回合结束后运行</translation>
    </message>
    <message>
        <source>Edit queued message %1</source>
        <translation>编辑排队消息 %1</translation>
    </message>
    <message>
        <source>Remove queued message %1</source>
        <translation>移除排队消息 %1</translation>
    </message>
    <message>
        <source>Edit queued message</source>
        <translation>编辑排队消息</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>ReasoningSection</name>
    <message>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <source>Thought for less than a second</source>
        <translation>思考了不到 1 秒</translation>
    </message>
    <message numerus="yes">
        <source>Thought for %n s</source>
        <translation>
            <numerusform>思考了 %n 秒</numerusform>
        </translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>思考过程</translation>
    </message>
    <message>
        <source>Hide reasoning</source>
        <translation>隐藏思考过程</translation>
    </message>
    <message>
        <source>Show reasoning</source>
        <translation>显示思考过程</translation>
    </message>
</context>
<context>
    <name>RelayHost</name>
    <message>
        <source>Refusing to listen on %1, which other machines can reach, without a token of at least 16 characters.</source>
        <translation>%1 可被其他机器访问，必须设置至少 16 个字符的令牌才能在其上监听。</translation>
    </message>
    <message>
        <source>Cannot listen on %1:%2: %3</source>
        <translation>无法在 %1:%2 上监听：%3</translation>
    </message>
    <message>
        <source>The attachment %1 is not a file in the upload folder, the session&apos;s workspace or an --allow-dir folder.</source>
        <translation>附件 %1 不在上传文件夹、会话工作区或 --allow-dir 指定的文件夹中。</translation>
    </message>
</context>
<context>
    <name>SearchPopup</name>
    <message>
        <source>Search all conversations</source>
        <translation>搜索全部对话</translation>
    </message>
    <message>
        <source>Type to search every message</source>
        <translation>输入以搜索所有消息</translation>
    </message>
    <message>
        <source>No message matches “%1”</source>
        <translation>没有与“%1”匹配的消息</translation>
    </message>
</context>
<context>
    <name>SessionListModel</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
</context>
<context>
    <name>SessionSidebar</name>
    <message>
        <source>now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>新对话 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Search all messages</source>
        <translation>搜索所有消息</translation>
    </message>
    <message>
        <source>Search messages…</source>
        <translation>搜索消息…</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>会话</translation>
    </message>
    <message>
        <source>, running</source>
        <translation>，运行中</translation>
    </message>
    <message numerus="yes">
        <source>, %n queued</source>
        <translation>
            <numerusform>，%n 条排队</numerusform>
        </translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>No conversations yet.
Your chats appear here.</source>
        <translation>还没有对话。
你的聊天会显示在这里。</translation>
    </message>
    <message>
        <source>Agent profile</source>
        <translation>智能体配置</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>设置 (Ctrl+,)</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>New title</source>
        <translation>新标题</translation>
    </message>
    <message>
        <source>Delete conversation?</source>
        <translation>删除对话？</translation>
    </message>
    <message>
        <source>“%1” and all its messages will be deleted from this computer. This cannot be undone.</source>
        <translation>“%1”及其所有消息将从这台电脑上删除，且无法撤销。</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Show the chat list (Ctrl+B)</source>
        <translation>显示对话列表 (Ctrl+B)</translation>
    </message>
    <message>
        <source>Search all messages (Ctrl+K)</source>
        <translation>搜索所有消息 (Ctrl+K)</translation>
    </message>
    <message>
        <source>Hide the chat list (Ctrl+B)</source>
        <translation>隐藏对话列表 (Ctrl+B)</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近</translation>
    </message>
    <message>
        <source>Agent: %1. Open the agent settings</source>
        <translation>智能体：%1。打开智能体设置</translation>
    </message>
    <message>
        <source>Agent settings</source>
        <translation>智能体设置</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>智能体</translation>
    </message>
    <message>
        <source>Agent URL</source>
        <translation>智能体地址</translation>
    </message>
    <message>
        <source>Agent API key</source>
        <translation>智能体 API 密钥</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Find local Hermes</source>
        <translation>查找本地 Hermes</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>默认模型</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions added to every run</source>
        <translation>每次运行都会附加的指令</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>文字大小</translation>
    </message>
    <message>
        <source>Web UI relay</source>
        <translation>网页界面中继</translation>
    </message>
    <message>
        <source>Lets the hermes-web-ui chat page in a browser use Caduceus instead of its Node server; the browser and this window then share the same sessions. It listens on this computer only.</source>
        <translation>让浏览器中的 hermes-web-ui 聊天页面使用 Caduceus 代替其 Node 服务器，浏览器和此窗口将共享同一批会话。中继只在本机上监听。</translation>
    </message>
    <message>
        <source>Relay on</source>
        <translation>开启中继</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Relay port</source>
        <translation>中继端口</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Relay URL</source>
        <translation>中继地址</translation>
    </message>
    <message>
        <source>Copy the URL</source>
        <translation>复制地址</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>Relay token</source>
        <translation>中继令牌</translation>
    </message>
    <message>
        <source>Copy the token</source>
        <translation>复制令牌</translation>
    </message>
    <message>
        <source>New token</source>
        <translation>新令牌</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>Caduceus %1 — a native client and relay for Hermes Agent.</source>
        <translation>Caduceus %1 — Hermes Agent 的原生客户端与中继。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>About Caduceus…</source>
        <translation>关于 Caduceus…</translation>
    </message>
    <message>
        <source>Rendering</source>
        <translation>渲染</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Graphics card (OpenGL)</source>
        <translation>显卡（OpenGL）</translation>
    </message>
    <message>
        <source>Software</source>
        <translation>软件</translation>
    </message>
    <message>
        <source>Automatic draws in software when the computer has no graphics card, which is faster and uses less memory there. Takes effect at the next start.</source>
        <translation>选择“自动”时，若电脑没有显卡则用软件绘制，这样更快、占用内存更少。下次启动时生效。</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>桌面通知</translation>
    </message>
    <message>
        <source>While the window is in the background, an approval request or a finished or failed run shows a notification; clicking it opens that chat.</source>
        <translation>窗口在后台时，批准请求以及完成或失败的运行会显示通知；点击通知即可打开对应的对话。</translation>
    </message>
    <message>
        <source>Close settings</source>
        <translation>关闭设置</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>e.g. http://127.0.0.1:8642 (empty: find local Hermes)</source>
        <translation>例如 http://127.0.0.1:8642（留空：查找本地 Hermes）</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>API_SERVER_KEY; kept in the system keychain</source>
        <translation>API_SERVER_KEY，保存在系统钥匙串中</translation>
    </message>
    <message>
        <source>Empty: the profile&apos;s default</source>
        <translation>留空：使用配置文件的默认模型</translation>
    </message>
</context>
<context>
    <name>Spinner</name>
    <message>
        <source>Working</source>
        <translation>处理中</translation>
    </message>
</context>
<context>
    <name>StatusDot</name>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
</context>
<context>
    <name>ThemedDialog</name>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ToolCard</name>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Tool %1, %2</source>
        <translation>工具 %1，%2</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message numerus="yes">
        <source>Show all %Ln characters</source>
        <translation>
            <numerusform>显示全部 %Ln 个字符</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>等待批准</translation>
    </message>
    <message>
        <source>Denied: no answer</source>
        <translation>已拒绝：未获回复</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Allowed once</source>
        <translation>已允许一次</translation>
    </message>
    <message>
        <source>Allowed for this run</source>
        <translation>本次运行内已允许</translation>
    </message>
    <message>
        <source>Always allowed</source>
        <translation>已始终允许</translation>
    </message>
    <message>
        <source>Denied by you</source>
        <translation>已被你拒绝</translation>
    </message>
    <message>
        <source>Tool %1, %2, %3</source>
        <translation>工具 %1，%2，%3</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>已拒绝</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Hide Caduceus</source>
        <translation>隐藏 Caduceus</translation>
    </message>
    <message>
        <source>Show Caduceus</source>
        <translation>显示 Caduceus</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>TypingIndicator</name>
    <message>
        <source>Hermes is working</source>
        <translation>Hermes 正在处理</translation>
    </message>
</context>
<context>
    <name>UserMessage</name>
    <message>
        <source>You said: %1</source>
        <translation>你说：%1</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <source>1 image sent as a picture</source>
        <translation>1 张图片以图片形式发送</translation>
    </message>
    <message>
        <source>%1 images sent as pictures</source>
        <translation>%1 张图片以图片形式发送</translation>
    </message>
    <message>
        <source>1 file sent inline as text</source>
        <translation>1 个文件以文本形式内联发送</translation>
    </message>
    <message>
        <source>%1 files sent inline as text</source>
        <translation>%1 个文件以文本形式内联发送</translation>
    </message>
    <message>
        <source>1 attachment sent as its path (the agent runs on this computer)</source>
        <translation>1 个附件以路径形式发送（智能体在这台电脑上运行）</translation>
    </message>
    <message>
        <source>%1 attachments sent as paths (the agent runs on this computer)</source>
        <translation>%1 个附件以路径形式发送（智能体在这台电脑上运行）</translation>
    </message>
</context>
<context>
    <name>caduceus::ui::Clipboard</name>
    <message>
        <source>The clipboard image could not be read.</source>
        <translation>无法读取剪贴板中的图片。</translation>
    </message>
    <message>
        <source>Cannot create the folder for pasted images: %1</source>
        <translation>无法创建存放粘贴图片的文件夹：%1</translation>
    </message>
    <message>
        <source>Cannot save the pasted image to %1</source>
        <translation>无法将粘贴的图片保存到 %1</translation>
    </message>
</context>
<context>
    <name>caduceus::ui::RuntimeCheck</name>
    <message>
        <source>icons are blank</source>
        <translation>图标显示为空白</translation>
    </message>
    <message>
        <source>some pictures are blank</source>
        <translation>部分图片显示为空白</translation>
    </message>
    <message>
        <source>text in this language shows as boxes</source>
        <translation>该语言的文字显示为方框</translation>
    </message>
    <message>
        <source>files cannot be attached through the file dialog</source>
        <translation>无法通过文件对话框附加文件</translation>
    </message>
    <message>
        <source>parts of the window do not work</source>
        <translation>窗口的部分功能无法使用</translation>
    </message>
    <message>
        <source>QML module %1</source>
        <translation>QML 模块 %1</translation>
    </message>
    <message>
        <source>%1 image plugin</source>
        <translation>%1 图像插件</translation>
    </message>
    <message>
        <source>%1 font</source>
        <translation>%1 字体</translation>
    </message>
    <message>
        <source>The file dialog cannot open: QML module %1 is missing.</source>
        <translation>无法打开文件对话框：缺少 QML 模块 %1。</translation>
    </message>
    <message>
        <source>The file dialog cannot open: install %1.</source>
        <translation>无法打开文件对话框：请安装 %1。</translation>
    </message>
    <message>
        <source>Caduceus is missing parts it needs (%1): %2.</source>
        <translation>Caduceus 缺少所需的组件（%1）：%2。</translation>
    </message>
    <message>
        <source>Install them with: sudo apt install %1</source>
        <translation>安装方法：sudo apt install %1</translation>
    </message>
    <message>
        <source>(on older systems: %1)</source>
        <translation>（较旧的系统上：%1）</translation>
    </message>
    <message>
        <source>Reinstall Caduceus to restore them.</source>
        <translation>请重新安装 Caduceus 以恢复它们。</translation>
    </message>
</context>
</TS>
