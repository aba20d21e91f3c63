// Every error a user can meet, by a stable key, in English and Simplified Chinese. The engine words its
// `message`/`hint` from the English templates (so the CLI, logs and older clients read English); the
// interface re-words an error from its key and params in its own language (see word.ts).
//
// Template syntax, kept tiny so both languages stay easy to read and to check:
//   {name}            the parameter's value
//   {name?fallback}   the value, or the fallback words when the parameter is missing or empty
//   [[ … ]]           a part shown only when every {name} in it has a value
//   {@name}           the message of the catalog entry whose key is the parameter's value (same params);
//                     {@name|lc} with its first letter in lower case, {@name|trim} without its final
//                     full stop, {@name#hint} that entry's hint
//   {?name}           nothing; only keeps its [[ … ]] part when the parameter has a value

export interface ErrorText {
  message: string;
  hint?: string;
}

export interface CatalogEntry {
  en: ErrorText;
  zh: ErrorText;
}

const RETRY_PORT_EN = 'Choose another port, or 0 to let the system pick one.';
const RETRY_PORT_ZH = '请换一个端口，或填 0 让系统自动选择。';
const HEX_HINT_EN = 'Hex uses 0–9 and A–F; separate bytes with spaces.';
const HEX_HINT_ZH = '十六进制只用 0–9 和 A–F，字节之间用空格分隔。';
const ESCAPE_HINT_EN = 'Supported escapes: \\r \\n \\t \\\\ \\0 \\xNN. Write \\\\ for a backslash itself.';
const ESCAPE_HINT_ZH = '支持的转义：\\r \\n \\t \\\\ \\0 \\xNN。反斜杠本身请写 \\\\。';
// {names} lists the placeholders; a literal brace is written {{ and is not a template field.
const PLACEHOLDERS_HINT_EN = 'Placeholders: {names}. Write {{ for a literal "{".';
const PLACEHOLDERS_HINT_ZH = '占位符：{names}。字面的“{”请写成 {{。';
const START_FIRST_EN = 'Start it first.';
const START_FIRST_ZH = '请先启动。';
const GROUP_RANGES_EN =
  'IPv4 groups are 224.0.0.0 to 239.255.255.255; IPv6 groups start with ff (for example ff02::1).';
const GROUP_RANGES_ZH = 'IPv4 组播组为 224.0.0.0 至 239.255.255.255；IPv6 组播组以 ff 开头（例如 ff02::1）。';
const CHOOSE_INTERFACE_EN =
  'Give the address of one of this computer\u2019s network interfaces (the interface list shows them), or leave the interface empty to let the system choose.';
const CHOOSE_INTERFACE_ZH = '请填写本机某个网络接口的地址（见接口列表），或留空让系统选择。';
const NOTHING_SENT_EN = 'Nothing was sent and no socket was touched.';
const NOTHING_SENT_ZH = '没有发送任何数据，也没有改动任何套接字。';

/** Pieces other templates refer to with {@op}: what the operation was. */
const PHRASES = {
  'op.listen': { en: { message: 'Listening' }, zh: { message: '监听' } },
  'op.listen.at': { en: { message: 'Listening on {ep}' }, zh: { message: '监听 {ep}' } },
  'op.bind': { en: { message: 'Binding' }, zh: { message: '绑定' } },
  'op.bind.at': { en: { message: 'Binding to {ep}' }, zh: { message: '绑定 {ep}' } },
  'op.connect': { en: { message: 'Connecting' }, zh: { message: '连接' } },
  'op.connect.at': { en: { message: 'Connecting to {ep}' }, zh: { message: '连接 {ep}' } },
  'op.send': { en: { message: 'Sending' }, zh: { message: '发送' } },
  'op.send.at': { en: { message: 'Sending to {ep}' }, zh: { message: '发送到 {ep}' } },
  'op.read': { en: { message: 'Receiving' }, zh: { message: '接收' } },
  'op.read.at': { en: { message: 'Receiving from {ep}' }, zh: { message: '从 {ep} 接收' } },
  'op.write': { en: { message: 'Writing' }, zh: { message: '写入' } },
  'op.write.at': { en: { message: 'Writing to {ep}' }, zh: { message: '写入 {ep}' } },
  'op.resolve': { en: { message: 'Looking up the host name' }, zh: { message: '解析主机名' } },
  'op.resolve.at': { en: { message: 'Looking up "{host}"' }, zh: { message: '解析“{host}”' } },
  'op.multicast': { en: { message: 'Joining the multicast group' }, zh: { message: '加入组播组' } },
  'op.multicast.at': { en: { message: 'Joining the multicast group {host}' }, zh: { message: '加入组播组 {host}' } },
  raw: { en: { message: '{rawMessage}', hint: '{rawHint}' }, zh: { message: '{rawMessage}', hint: '{rawHint}' } },
  'mc.join': {
    en: { message: 'Could not join the multicast group {group}[[ on the interface {iface}]]' },
    zh: { message: '无法加入组播组 {group}[[（接口 {iface}）]]' },
  },
  'mc.leave': {
    en: { message: 'Could not leave the multicast group {group}[[ on the interface {iface}]]' },
    zh: { message: '无法退出组播组 {group}[[（接口 {iface}）]]' },
  },
} satisfies Record<string, CatalogEntry>;

/** Socket and system errors (engine/errors.ts, port-owner, multicast-errors, udp-watch). */
const SYSTEM = {
  'internal-undescribed': {
    en: { message: 'Something went wrong, and the error could not be described.' },
    zh: { message: '出了问题，且无法描述这个错误。' },
  },
  'os-failed': {
    en: { message: '{@op} failed: {osText}.' },
    zh: { message: '{@op}失败：{osText}。' },
  },
  'os-failed-bare': {
    en: { message: '{@op} failed.' },
    zh: { message: '{@op}失败。' },
  },
  'local-address-in-use': {
    en: {
      message: 'The local address for {@op|lc} is already in use.',
      hint: 'If a local port is set, choose another one or leave it empty; otherwise this computer has run out of free ports for outgoing connections.',
    },
    zh: {
      message: '{@op}所用的本地地址已被占用。',
      hint: '如果设置了本地端口，请换一个或留空；否则说明本机用于外连的空闲端口已耗尽。',
    },
  },
  'port-in-use': {
    en: {
      message: 'Port {port}[[ on {host}]] is already in use.',
      hint: `Another program is listening on it[[ ({command} shows which)]], or another session of this one. ${RETRY_PORT_EN}`,
    },
    zh: {
      message: '[[{host} 上的]]端口 {port} 已被占用。',
      hint: `另一个程序正在监听它[[（用 {command} 可查看是哪个）]]，或是本程序的另一个会话。${RETRY_PORT_ZH}`,
    },
  },
  'port-in-use-any': {
    en: {
      message: 'The port[[ on {host}]] is already in use.',
      hint: `Another program is listening on it, or another session of this one. ${RETRY_PORT_EN}`,
    },
    zh: {
      message: '[[{host} 上的]]端口已被占用。',
      hint: `另一个程序正在监听它，或是本程序的另一个会话。${RETRY_PORT_ZH}`,
    },
  },
  'udp-port-in-use': {
    en: {
      message: 'UDP port {port}[[ on {host}]] is already in use.',
      hint: 'Another program is bound to it[[ ({command} shows which)]]. Choose another port, or 0 to let the system pick one; to share it, every program using it must turn on address reuse.',
    },
    zh: {
      message: '[[{host} 上的]] UDP 端口 {port} 已被占用。',
      hint: '另一个程序已绑定它[[（用 {command} 可查看是哪个）]]。请换一个端口，或填 0 让系统自动选择；若要共用，所有使用它的程序都须开启地址复用。',
    },
  },
  'udp-port-in-use-any': {
    en: {
      message: 'The UDP port[[ on {host}]] is already in use.',
      hint: 'Another program is bound to it. Choose another port, or 0 to let the system pick one; to share it, every program using it must turn on address reuse.',
    },
    zh: {
      message: '[[{host} 上的]] UDP 端口已被占用。',
      hint: '另一个程序已绑定它。请换一个端口，或填 0 让系统自动选择；若要共用，所有使用它的程序都须开启地址复用。',
    },
  },
  'port-in-use-by': {
    en: {
      message: 'Port {port}[[ on {host}]] is already in use by {owner} (pid {pid}).',
      hint: `Stop {program}[[ ("{command}")]], ${RETRY_PORT_EN.charAt(0).toLowerCase()}${RETRY_PORT_EN.slice(1)}`,
    },
    zh: {
      message: '[[{host} 上的]]端口 {port} 已被 {owner}（进程号 {pid}）占用。',
      hint: `请停止 {program}[[（“{command}”）]]，${RETRY_PORT_ZH}`,
    },
  },
  'udp-port-in-use-by': {
    en: {
      message: 'UDP port {port}[[ on {host}]] is already in use by {owner} (pid {pid}).',
      hint: `Stop {program}[[ ("{command}")]], ${RETRY_PORT_EN.charAt(0).toLowerCase()}${RETRY_PORT_EN.slice(1)}`,
    },
    zh: {
      message: '[[{host} 上的]] UDP 端口 {port} 已被 {owner}（进程号 {pid}）占用。',
      hint: `请停止 {program}[[（“{command}”）]]，${RETRY_PORT_ZH}`,
    },
  },
  'port-in-use-by-self': {
    en: {
      message: 'Port {port}[[ on {host}]] is already in use by this program (pid {pid}).',
      hint: 'Another session here already uses it: stop that session, choose another port, or 0 to let the system pick one.',
    },
    zh: {
      message: '[[{host} 上的]]端口 {port} 已被本程序（进程号 {pid}）占用。',
      hint: '这里的另一个会话正在使用它：请停止那个会话，或换一个端口，或填 0 让系统自动选择。',
    },
  },
  'udp-port-in-use-by-self': {
    en: {
      message: 'UDP port {port}[[ on {host}]] is already in use by this program (pid {pid}).',
      hint: 'Another session here already uses it: stop that session, choose another port, or 0 to let the system pick one.',
    },
    zh: {
      message: '[[{host} 上的]] UDP 端口 {port} 已被本程序（进程号 {pid}）占用。',
      hint: '这里的另一个会话正在使用它：请停止那个会话，或换一个端口，或填 0 让系统自动选择。',
    },
  },
  'privileged-port': {
    en: {
      message: 'Ports below 1024 are privileged on this system; listening on port {port} needs administrator rights.',
      hint: 'Use a port of 1024 or above, or run with the needed privileges (on Linux, for example, give the program the cap_net_bind_service capability).',
    },
    zh: {
      message: '本系统中 1024 以下的端口是特权端口；监听端口 {port} 需要管理员权限。',
      hint: '请使用 1024 及以上的端口，或以所需权限运行（例如在 Linux 上给程序 cap_net_bind_service 能力）。',
    },
  },
  'udp-privileged-port': {
    en: {
      message: 'Ports below 1024 are privileged on this system; binding to port {port} needs administrator rights.',
      hint: 'Use a port of 1024 or above, or run with the needed privileges (on Linux, for example, give the program the cap_net_bind_service capability).',
    },
    zh: {
      message: '本系统中 1024 以下的端口是特权端口；绑定端口 {port} 需要管理员权限。',
      hint: '请使用 1024 及以上的端口，或以所需权限运行（例如在 Linux 上给程序 cap_net_bind_service 能力）。',
    },
  },
  'local-not-allowed': {
    en: {
      message: 'The system does not allow this program to use {ep?that port}.',
      hint: 'A security policy or firewall blocks it. Choose another port, or check the security settings.',
    },
    zh: {
      message: '系统不允许本程序使用{ep?该端口}。',
      hint: '安全策略或防火墙阻止了它。请换一个端口，或检查安全设置。',
    },
  },
  'local-not-allowed-windows': {
    en: {
      message: 'The system does not allow this program to use {ep?that port}.',
      hint: 'Windows may reserve this port for Hyper-V, WSL or Docker (see "netsh interface ipv4 show excludedportrange protocol=tcp"), or a security policy blocks it. Choose another port.',
    },
    zh: {
      message: '系统不允许本程序使用{ep?该端口}。',
      hint: 'Windows 可能为 Hyper-V、WSL 或 Docker 保留了这个端口（见 “netsh interface ipv4 show excludedportrange protocol=tcp”），或安全策略阻止了它。请换一个端口。',
    },
  },
  'broadcast-needs-option': {
    en: {
      message: 'Sending to a broadcast address needs the Broadcast option.',
      hint: 'Turn on Broadcast for this session to send to {ep?the peer}. If it is not a broadcast address, a firewall on this computer is refusing it.',
    },
    zh: {
      message: '发送到广播地址需要开启“广播”选项。',
      hint: '为本会话开启“广播”后才能发送到{ep?对端}。如果它不是广播地址，则是本机的防火墙拒绝了它。',
    },
  },
  'not-permitted': {
    en: {
      message: '{@op} was not permitted by the system.',
      hint: 'A firewall or security software on this computer is probably blocking it.',
    },
    zh: {
      message: '系统不允许{@op}。',
      hint: '很可能是本机的防火墙或安全软件阻止了它。',
    },
  },
  'not-local-address': {
    en: {
      message: '{host?That address} is not an address of this computer.',
      hint: 'Choose one of its network interfaces\u2019 addresses, or 0.0.0.0 (:: for IPv6) to use all of them.',
    },
    zh: {
      message: '{host?该地址}不是本机的地址。',
      hint: '请选择本机某个网络接口的地址，或用 0.0.0.0（IPv6 用 ::）表示全部接口。',
    },
  },
  'multicast-interface-unusable': {
    en: {
      message: 'The interface {iface?address} cannot be used to join {host?the multicast group}.',
      hint: 'Give the address of one of this computer\u2019s interfaces, or leave the interface empty to let the system choose.',
    },
    zh: {
      message: '接口 {iface?地址} 不能用来加入{host?该组播组}。',
      hint: '请填写本机某个接口的地址，或留空让系统选择。',
    },
  },
  'no-local-address': {
    en: {
      message: 'No local address is available for {@op|lc}.',
      hint: 'Check the local address (it must belong to this computer) and that the port is not 0; this computer may also have run out of free ports.',
    },
    zh: {
      message: '没有可用于{@op}的本地地址。',
      hint: '请检查本地地址（必须属于本机）以及端口不是 0；本机的空闲端口也可能已耗尽。',
    },
  },
  'dns-refused': {
    en: { message: 'The name server refused to look up "{host}".', hint: 'Check the DNS settings of this computer.' },
    zh: { message: '域名服务器拒绝解析“{host}”。', hint: '请检查本机的 DNS 设置。' },
  },
  'udp-port-unreachable': {
    en: {
      message: 'Nothing is listening on UDP {ep?the peer}: it answered a datagram with "port unreachable".',
      hint: 'Start the receiving program first, or check the port number.',
    },
    zh: {
      message: 'UDP {ep?对端} 上没有程序在监听：它对数据报回复了“端口不可达”。',
      hint: '请先启动接收程序，或检查端口号。',
    },
  },
  'connection-refused': {
    en: {
      message: 'Nothing is listening on {ep?the peer}.',
      hint: 'Start the server first, check the port number, or check whether a firewall is rejecting the connection.',
    },
    zh: {
      message: '{ep?对端} 上没有程序在监听。',
      hint: '请先启动服务器，检查端口号，或检查是否有防火墙拒绝了连接。',
    },
  },
  'udp-port-closed': {
    en: {
      message: 'Nothing is listening on {ep} (the system said the port is closed).',
      hint: 'Start the receiving program, or check the remote host and port.',
    },
    zh: {
      message: '{ep} 上没有程序在监听（系统报告该端口已关闭）。',
      hint: '请启动接收程序，或检查远程主机和端口。',
    },
  },
  'reset-while-connecting': {
    en: {
      message: 'The connection to {ep?the peer} was reset (RST) before it was established.',
      hint: 'The server or a firewall on the way refused it; check the port and that the server accepts connections from this computer.',
    },
    zh: {
      message: '与 {ep?对端} 的连接在建立之前被重置（RST）。',
      hint: '服务器或途中的防火墙拒绝了它；请检查端口，以及服务器是否接受来自本机的连接。',
    },
  },
  'peer-reset': {
    en: {
      message: 'The peer[[ {ep}]] reset the connection (RST).',
      hint: 'The other program closed abruptly, crashed, or rejected what it received; a firewall or proxy can also reset connections.',
    },
    zh: {
      message: '对端[[ {ep} ]]重置了连接（RST）。',
      hint: '对方程序突然关闭、崩溃或拒绝了收到的数据；防火墙或代理也可能重置连接。',
    },
  },
  'connection-closed-unsent': {
    en: {
      message: 'The connection[[ to {ep}]] is closed; the data could not be sent.',
      hint: 'The peer closed or reset it. Connect again before sending.',
    },
    zh: {
      message: '[[与 {ep} 的]]连接已关闭，数据未能发送。',
      hint: '对端关闭或重置了连接。请重新连接后再发送。',
    },
  },
  'dns-timeout': {
    en: {
      message: 'The name server did not answer in time for "{host}".',
      hint: 'Try again in a moment; check the network connection and the DNS settings.',
    },
    zh: {
      message: '域名服务器未能及时回应“{host}”的解析。',
      hint: '请稍后重试；检查网络连接和 DNS 设置。',
    },
  },
  'connect-timeout': {
    en: {
      message: 'No answer from {ep?the peer}[[ within {seconds} s]].',
      hint: 'Check the address and that the host is up; a firewall may be dropping the packets silently.',
    },
    zh: {
      message: '{ep?对端}[[ 在 {seconds} 秒内]]没有应答。',
      hint: '请检查地址以及主机是否开机；防火墙可能在悄悄丢弃数据包。',
    },
  },
  'connection-timed-out': {
    en: {
      message: 'The connection to {ep?the peer} timed out: the peer stopped answering.',
      hint: 'The peer or the network between went away; connect again.',
    },
    zh: {
      message: '与 {ep?对端} 的连接超时：对端不再应答。',
      hint: '对端或中间的网络已断开；请重新连接。',
    },
  },
  'host-unreachable': {
    en: {
      message: 'No route to host {host?the peer}.',
      hint: 'Check the cable or Wi-Fi, the VPN, and that the address is right; the host may be off or behind a firewall.',
    },
    zh: {
      message: '没有到主机 {host?对端} 的路由。',
      hint: '请检查网线或 Wi-Fi、VPN 以及地址是否正确；主机可能已关机或在防火墙之后。',
    },
  },
  'host-down': {
    en: {
      message: 'No route to host {host?the peer} (it is down).',
      hint: 'Check the cable or Wi-Fi, the VPN, and that the address is right; the host may be off or behind a firewall.',
    },
    zh: {
      message: '没有到主机 {host?对端} 的路由（主机已关闭）。',
      hint: '请检查网线或 Wi-Fi、VPN 以及地址是否正确；主机可能已关机或在防火墙之后。',
    },
  },
  'network-unreachable': {
    en: {
      message: 'The network of {host?the peer} is unreachable.',
      hint: 'This computer has no route to that network: check the network connection, the VPN, the default gateway and the address.',
    },
    zh: {
      message: '{host?对端} 所在的网络不可达。',
      hint: '本机没有到该网络的路由：请检查网络连接、VPN、默认网关和地址。',
    },
  },
  'network-unreachable-ipv6': {
    en: {
      message: 'The network of {host?the peer} is unreachable.',
      hint: 'This computer may have no IPv6 connectivity. Check the network connection, the VPN and the address, or use an IPv4 address.',
    },
    zh: {
      message: '{host?对端} 所在的网络不可达。',
      hint: '本机可能没有 IPv6 连接。请检查网络连接、VPN 和地址，或改用 IPv4 地址。',
    },
  },
  'network-down': {
    en: {
      message: 'The network interface is down.',
      hint: 'Check the cable or Wi-Fi connection and that the interface is enabled.',
    },
    zh: { message: '网络接口已断开。', hint: '请检查网线或 Wi-Fi 连接，以及接口是否已启用。' },
  },
  'host-not-found': {
    en: {
      message: 'The host name "{host}" could not be found.',
      hint: 'Check the spelling and that DNS works on this computer, or use an IP address.',
    },
    zh: { message: '找不到主机名“{host}”。', hint: '请检查拼写以及本机的 DNS 是否正常，或直接使用 IP 地址。' },
  },
  'host-no-data': {
    en: {
      message: 'The host name "{host}" has no address of the kind asked for.',
      hint: 'It may have only IPv6 or only IPv4 addresses; try the other family or an IP address.',
    },
    zh: {
      message: '主机名“{host}”没有所需类型的地址。',
      hint: '它可能只有 IPv6 或只有 IPv4 地址；请换用另一类地址或直接使用 IP 地址。',
    },
  },
  'dns-again': {
    en: {
      message: 'The host name "{host}" could not be looked up right now (temporary DNS failure).',
      hint: 'Try again in a moment; check the network connection and the DNS settings.',
    },
    zh: {
      message: '暂时无法解析主机名“{host}”（DNS 临时故障）。',
      hint: '请稍后重试；检查网络连接和 DNS 设置。',
    },
  },
  'dns-failed': {
    en: {
      message: 'The name server failed to look up "{host}".',
      hint: 'Try again later, or check the DNS settings of this computer.',
    },
    zh: { message: '域名服务器解析“{host}”失败。', hint: '请稍后重试，或检查本机的 DNS 设置。' },
  },
  'datagram-too-large': {
    en: {
      message: 'The datagram is too large: [[{size} bytes, ]]at most {maxIpv4} on IPv4 ({maxIpv6} on IPv6).',
      hint: 'Split the data into smaller datagrams; below about 1472 bytes they also avoid IP fragmentation on Ethernet.',
    },
    zh: {
      message: '数据报太大：[[{size} 字节，]] IPv4 上最多 {maxIpv4} 字节（IPv6 上 {maxIpv6} 字节）。',
      hint: '请把数据拆成更小的数据报；小于约 1472 字节时还能避免以太网上的 IP 分片。',
    },
  },
  'datagram-too-large-ipv6': {
    en: {
      message: 'The datagram is too large: [[{size} bytes, ]]at most {maxIpv6} on IPv6.',
      hint: 'Split the data into smaller datagrams; below about 1472 bytes they also avoid IP fragmentation on Ethernet.',
    },
    zh: {
      message: '数据报太大：[[{size} 字节，]] IPv6 上最多 {maxIpv6} 字节。',
      hint: '请把数据拆成更小的数据报；小于约 1472 字节时还能避免以太网上的 IP 分片。',
    },
  },
  'datagram-too-large-mac': {
    en: {
      message: 'The datagram is too large: [[{size} bytes, ]]at most {maxIpv4} on IPv4 ({maxIpv6} on IPv6).',
      hint: 'Split the data into smaller datagrams; below about 1472 bytes they also avoid IP fragmentation on Ethernet. On macOS the default limit is 9216 bytes (sysctl net.inet.udp.maxdgram).',
    },
    zh: {
      message: '数据报太大：[[{size} 字节，]] IPv4 上最多 {maxIpv4} 字节（IPv6 上 {maxIpv6} 字节）。',
      hint: '请把数据拆成更小的数据报；小于约 1472 字节时还能避免以太网上的 IP 分片。macOS 默认上限为 9216 字节（sysctl net.inet.udp.maxdgram）。',
    },
  },
  'datagram-too-large-ipv6-mac': {
    en: {
      message: 'The datagram is too large: [[{size} bytes, ]]at most {maxIpv6} on IPv6.',
      hint: 'Split the data into smaller datagrams; below about 1472 bytes they also avoid IP fragmentation on Ethernet. On macOS the default limit is 9216 bytes (sysctl net.inet.udp.maxdgram).',
    },
    zh: {
      message: '数据报太大：[[{size} 字节，]] IPv6 上最多 {maxIpv6} 字节。',
      hint: '请把数据拆成更小的数据报；小于约 1472 字节时还能避免以太网上的 IP 分片。macOS 默认上限为 9216 字节（sysctl net.inet.udp.maxdgram）。',
    },
  },
  'no-buffer-space': {
    en: {
      message: 'The system ran out of buffer space while working on the socket.',
      hint: 'Send more slowly or in smaller pieces; the network interface\u2019s queue is full.',
    },
    zh: { message: '处理套接字时系统缓冲区空间不足。', hint: '请放慢发送或分成更小的块；网络接口的队列已满。' },
  },
  'no-buffer-space-sending': {
    en: {
      message: 'The system ran out of buffer space while sending[[ to {ep}]].',
      hint: 'Send more slowly or in smaller pieces; the network interface\u2019s queue is full.',
    },
    zh: {
      message: '[[向 {ep} ]]发送时系统缓冲区空间不足。',
      hint: '请放慢发送或分成更小的块；网络接口的队列已满。',
    },
  },
  'too-many-files': {
    en: {
      message: 'Too many open files: this program has reached its limit of open files and sockets.',
      hint: 'Close connections you no longer need, or raise the limit (ulimit -n on Linux and macOS).',
    },
    zh: {
      message: '打开的文件太多：本程序已达到文件和套接字数量上限。',
      hint: '请关闭不再需要的连接，或提高上限（Linux 和 macOS 上用 ulimit -n）。',
    },
  },
  'too-many-files-system': {
    en: {
      message: 'Too many open files on this computer: the system-wide limit is reached.',
      hint: 'Close programs or connections you no longer need.',
    },
    zh: { message: '本机打开的文件太多：已达到系统总上限。', hint: '请关闭不再需要的程序或连接。' },
  },
  'multicast-group-invalid': {
    en: {
      message: '{host?That address} cannot be joined as a multicast group[[ on {iface}]].',
      hint: 'IPv4 groups are 224.0.0.0 to 239.255.255.255 and IPv6 groups start with ff; the interface must match the group\u2019s family.',
    },
    zh: {
      message: '{host?该地址}不能[[在 {iface} 上]]作为组播组加入。',
      hint: 'IPv4 组播组为 224.0.0.0 至 239.255.255.255，IPv6 组播组以 ff 开头；接口的地址类型必须与组一致。',
    },
  },
  'invalid-arguments': {
    en: {
      message: '{@op} failed: the system refused the arguments[[ ({osText})]].',
      hint: 'Check that the address family matches: an IPv6 address needs an IPv6 socket, and an IPv4 address an IPv4 one.',
    },
    zh: {
      message: '{@op}失败：系统拒绝了参数[[（{osText}）]]。',
      hint: '请检查地址类型是否一致：IPv6 地址需要 IPv6 套接字，IPv4 地址需要 IPv4 套接字。',
    },
  },
  'no-such-interface': {
    en: {
      message: 'No network interface has the address {iface}.',
      hint: 'Choose the address of one of this computer\u2019s interfaces.',
    },
    zh: { message: '没有网络接口的地址是 {iface}。', hint: '请选择本机某个接口的地址。' },
  },
  'family-not-supported': {
    en: {
      message: 'This computer does not support the address family of {host?that address}.',
      hint: 'IPv6 may be turned off; use an IPv4 address.',
    },
    zh: { message: '本机不支持{host?该地址}的地址类型。', hint: 'IPv6 可能已关闭；请使用 IPv4 地址。' },
  },
  'connection-aborted': {
    en: {
      message: 'The connection[[ to {ep}]] was aborted by this computer.',
      hint: 'A local firewall, antivirus or network change may have ended it; connect again.',
    },
    zh: {
      message: '[[与 {ep} 的]]连接被本机中止。',
      hint: '可能是本机防火墙、杀毒软件或网络变化结束了它；请重新连接。',
    },
  },
  'connection-already-closed': {
    en: { message: 'The connection is already closed.', hint: 'Connect again before sending.' },
    zh: { message: '连接已经关闭。', hint: '请重新连接后再发送。' },
  },
  'write-after-fin': {
    en: {
      message: 'This side of the connection is already closed for sending (FIN was sent).',
      hint: 'Open a new connection to send more.',
    },
    zh: { message: '本端已关闭发送（已发送 FIN）。', hint: '请打开新连接再发送。' },
  },
  'udp-not-running': {
    en: { message: 'The UDP socket is not running: it was closed or never bound.', hint: 'Start the session again.' },
    zh: { message: 'UDP 套接字未在运行：它已关闭或从未绑定。', hint: '请重新启动会话。' },
  },
  'udp-no-remote': {
    en: { message: 'This UDP socket has no remote address to send to.', hint: 'Give a destination host and port.' },
    zh: { message: '这个 UDP 套接字没有可发送的远程地址。', hint: '请填写目标主机和端口。' },
  },
  'bad-port': {
    en: { message: '{port?That} is not a valid port: ports go from 0 to 65535.' },
    zh: { message: '{port?该值}不是有效端口：端口范围为 0 到 65535。' },
  },
  'bad-address': {
    en: { message: '"{host}" is not a valid address here.', hint: 'Check the address and its family (IPv4 or IPv6).' },
    zh: { message: '“{host}”在这里不是有效地址。', hint: '请检查地址及其类型（IPv4 或 IPv6）。' },
  },
  'bad-address-unnamed': {
    en: { message: 'That is not a valid address here.', hint: 'Check the address and its family (IPv4 or IPv6).' },
    zh: { message: '该值在这里不是有效地址。', hint: '请检查地址及其类型（IPv4 或 IPv6）。' },
  },
  'tried-each': {
    en: { message: '{@inner|trim} (tried {tried}).', hint: '{@inner#hint}' },
    zh: { message: '{@inner|trim}（已尝试 {tried}）。', hint: '{@inner#hint}' },
  },
  'connect-all-failed': {
    en: { message: 'Could not connect to {ep?the host} on any of its {count} addresses: {details}' },
    zh: { message: '无法连接到 {ep?该主机}：它的 {count} 个地址都失败了：{details}' },
  },
  'udp-dropped': {
    en: {
      message: '{count} datagrams dropped by the system: the receive buffer was full.',
      hint: "Raise the receive buffer (recvBufferBytes[[ (the system granted {granted} bytes)]]), or have the sender send more slowly; on Linux the system's ceiling is net.core.rmem_max.",
    },
    zh: {
      message: '系统丢弃了 {count} 个数据报：接收缓冲区已满。',
      hint: '请加大接收缓冲区（recvBufferBytes[[，系统实际给了 {granted} 字节]]），或让发送方放慢；Linux 上系统上限为 net.core.rmem_max。',
    },
  },
  'udp-dropped-one': {
    en: {
      message: '1 datagram dropped by the system: the receive buffer was full.',
      hint: "Raise the receive buffer (recvBufferBytes[[ (the system granted {granted} bytes)]]), or have the sender send more slowly; on Linux the system's ceiling is net.core.rmem_max.",
    },
    zh: {
      message: '系统丢弃了 1 个数据报：接收缓冲区已满。',
      hint: '请加大接收缓冲区（recvBufferBytes[[，系统实际给了 {granted} 字节]]），或让发送方放慢；Linux 上系统上限为 net.core.rmem_max。',
    },
  },
  // Multicast: {@action} is mc.join or mc.leave, which names the group and the interface in their roles.
  'mc-not-multicast': {
    en: { message: '{@action}: {group} is not a multicast address.', hint: GROUP_RANGES_EN },
    zh: { message: '{@action}：{group} 不是组播地址。', hint: GROUP_RANGES_ZH },
  },
  'mc-family-mismatch': {
    en: {
      message:
        '{@action}: the interface address {iface} is IPv{ifaceVersion} and the group {group} is IPv{groupVersion}.',
      hint: 'Give an IPv{groupVersion} interface address, or leave the interface empty to let the system choose.',
    },
    zh: {
      message: '{@action}：接口地址 {iface} 是 IPv{ifaceVersion}，而组播组 {group} 是 IPv{groupVersion}。',
      hint: '请填写 IPv{groupVersion} 的接口地址，或留空让系统选择。',
    },
  },
  'mc-socket-ipv4': {
    en: {
      message: '{@action}: {group} is an IPv6 group and this session\u2019s socket is IPv4.',
      hint: 'Bind the session to an IPv6 address (:: for all interfaces) to join IPv6 groups.',
    },
    zh: {
      message: '{@action}：{group} 是 IPv6 组播组，而本会话的套接字是 IPv4。',
      hint: '要加入 IPv6 组播组，请把会话绑定到 IPv6 地址（:: 表示全部接口）。',
    },
  },
  'mc-socket-ipv6': {
    en: {
      message: '{@action}: {group} is an IPv4 group and this session\u2019s socket is IPv6.',
      hint: 'Bind the session to an IPv4 address (0.0.0.0 for all interfaces) to join IPv4 groups.',
    },
    zh: {
      message: '{@action}：{group} 是 IPv4 组播组，而本会话的套接字是 IPv6。',
      hint: '要加入 IPv4 组播组，请把会话绑定到 IPv4 地址（0.0.0.0 表示全部接口）。',
    },
  },
  'mc-no-such-interface': {
    en: {
      message: '{@action}: no network interface of this computer has the address {iface}.',
      hint: CHOOSE_INTERFACE_EN,
    },
    zh: { message: '{@action}：本机没有地址为 {iface} 的网络接口。', hint: CHOOSE_INTERFACE_ZH },
  },
  'mc-no-route-join': {
    en: {
      message: '{@action}: the system found no interface to join it on (no route leads to {group}).',
      hint: 'Give the address of the interface to use (127.0.0.1 to stay on this computer), or add a route for multicast (224.0.0.0/4) to a network interface.',
    },
    zh: {
      message: '{@action}：系统找不到可以加入它的接口（没有通往 {group} 的路由）。',
      hint: '请填写要使用的接口地址（127.0.0.1 表示只在本机内），或为组播（224.0.0.0/4）添加一条指向某个网络接口的路由。',
    },
  },
  'mc-no-route-leave': {
    en: {
      message: '{@action}: the system found no interface to leave it on (no route leads to {group}).',
      hint: 'Give the address of the interface to use (127.0.0.1 to stay on this computer), or add a route for multicast (224.0.0.0/4) to a network interface.',
    },
    zh: {
      message: '{@action}：系统找不到可以退出它的接口（没有通往 {group} 的路由）。',
      hint: '请填写要使用的接口地址（127.0.0.1 表示只在本机内），或为组播（224.0.0.0/4）添加一条指向某个网络接口的路由。',
    },
  },
  'mc-not-joined': {
    en: {
      message: '{@action}: this session has not joined it[[ on that interface{?iface}]].',
      hint: 'Leave a group with the same interface address it was joined with.',
    },
    zh: {
      message: '{@action}：本会话[[在该接口上{?iface}]]没有加入它。',
      hint: '退出组播组时请使用加入时的同一接口地址。',
    },
  },
  'mc-interface-unusable': {
    en: {
      message: '{@action}: the interface address {iface?(chosen by the system)} cannot be used for it.',
      hint: CHOOSE_INTERFACE_EN,
    },
    zh: { message: '{@action}：接口地址 {iface?（由系统选择）} 不能用于它。', hint: CHOOSE_INTERFACE_ZH },
  },
  'mc-already-joined': {
    en: {
      message: '{@action}: this session has already joined it[[ on that interface{?iface}]].',
      hint: 'Nothing to do: the session already receives what is sent to the group.',
    },
    zh: {
      message: '{@action}：本会话已经[[在该接口上{?iface}]]加入了它。',
      hint: '无需操作：本会话已经能收到发往该组的数据。',
    },
  },
  'mc-other': {
    en: { message: '{@action}: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '{@action}：{@inner}', hint: '{@inner#hint}' },
  },
  'mc-other-unhinted': {
    en: {
      message: '{@action}: {@inner}',
      hint: `${GROUP_RANGES_EN} The group must be of the same IP version as the session\u2019s address.`,
    },
    zh: { message: '{@action}：{@inner}', hint: `${GROUP_RANGES_ZH}组播组的 IP 版本必须与会话地址相同。` },
  },
} satisfies Record<string, CatalogEntry>;

/** Errors the engine words itself: state, not-found, targets, files, jobs, rules. */
const ENGINE = {
  'internal-error': {
    en: { message: 'Sockpit hit an internal error: {detail}', hint: 'Please report it; the sockets are unaffected.' },
    zh: { message: 'Sockpit 遇到内部错误：{detail}', hint: '请报告这个问题；套接字不受影响。' },
  },
  'no-session': {
    en: { message: 'There is no session "{id}".' },
    zh: { message: '没有会话“{id}”。' },
  },
  'session-exists': {
    en: { message: 'There is already a session "{id}".' },
    zh: { message: '已经有会话“{id}”了。' },
  },
  'stop-before-update': {
    en: { message: 'Stop the session before changing its settings.' },
    zh: { message: '请先停止会话，再修改它的设置。' },
  },
  'kind-change': {
    en: { message: 'A {from} session cannot become a {to}; create a new session.' },
    zh: { message: '{from} 会话不能变成 {to}；请新建一个会话。' },
  },
  'multicast-udp-only': {
    en: { message: 'Multicast applies to UDP sessions.' },
    zh: { message: '组播只适用于 UDP 会话。' },
  },
  'workspace-duplicate-id': {
    en: { message: 'The workspace has two sessions with the id "{id}".' },
    zh: { message: '工作区中有两个会话的 id 都是“{id}”。' },
  },
  'workspace-greeting': {
    en: { message: 'Session "{session}", its greeting: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '会话“{session}”的连接问候：{@inner}', hint: '{@inner#hint}' },
  },
  'workspace-rules': {
    en: { message: 'Session "{session}", its rules: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '会话“{session}”的规则：{@inner}', hint: '{@inner#hint}' },
  },
  'rules-try-nothing': {
    en: { message: 'Give the rules to try, or the session whose rules to try.' },
    zh: { message: '请给出要试用的规则，或要试用其规则的会话。' },
  },
  'already-running': {
    en: { message: 'The {what} is already {state}.' },
    zh: { message: '{what}已经处于“{state}”状态。' },
  },
  'server-not-running': {
    en: { message: 'The server is not running.', hint: START_FIRST_EN },
    zh: { message: '服务器没有运行。', hint: START_FIRST_ZH },
  },
  'no-client-connected': {
    en: { message: 'No client is connected, so there is no one to send to.', hint: 'Wait for a client to connect.' },
    zh: { message: '没有客户端连接，没有发送对象。', hint: '请等待客户端连接。' },
  },
  'no-such-clients': {
    en: {
      message: 'No connected client {ids}.',
      hint: 'It may have disconnected; pick a client from the connection list.',
    },
    zh: { message: '没有已连接的客户端 {ids}。', hint: '它可能已断开；请从连接列表中选择客户端。' },
  },
  'no-such-client': {
    en: { message: 'No connected client {id}.' },
    zh: { message: '没有已连接的客户端 {id}。' },
  },
  'none-of-clients': {
    en: { message: 'None of those clients is connected.' },
    zh: { message: '这些客户端都不在连接中。' },
  },
  'choose-client-half-close': {
    en: { message: 'Choose which client to half-close.' },
    zh: { message: '请选择要半关闭的客户端。' },
  },
  'server-target': {
    en: { message: 'A TCP server sends to its clients: choose "all" or some connections.' },
    zh: { message: 'TCP 服务器发送给它的客户端：请选择“全部”或部分连接。' },
  },
  'client-target': {
    en: { message: 'A TCP client sends to the server it is connected to; leave the target empty.' },
    zh: { message: 'TCP 客户端发送给它所连接的服务器；请不要指定目标。' },
  },
  'client-not-started': {
    en: { message: 'The client is not started.', hint: START_FIRST_EN },
    zh: { message: '客户端没有启动。', hint: START_FIRST_ZH },
  },
  'client-not-connected': {
    en: { message: 'The client is not connected to {remote}.', hint: 'Connect first.' },
    zh: { message: '客户端没有连接到 {remote}。', hint: '请先连接。' },
  },
  'client-reconnecting': {
    en: { message: 'The client is not connected to {remote}.', hint: 'It is reconnecting; try again in a moment.' },
    zh: { message: '客户端没有连接到 {remote}。', hint: '它正在重连；请稍后再试。' },
  },
  'stopped-while-connecting': {
    en: { message: 'The session was stopped while connecting.' },
    zh: { message: '会话在连接过程中被停止。' },
  },
  'session-stopped': {
    en: { message: 'The session was stopped.' },
    zh: { message: '会话已停止。' },
  },
  'exchange-failed': {
    en: { message: 'The exchange failed: {detail}' },
    zh: { message: '收发失败：{detail}' },
  },
  'nothing-to-half-close': {
    en: { message: 'There is no open connection to half-close.' },
    zh: { message: '没有可半关闭的已打开连接。' },
  },
  'no-connections-to-close': {
    en: { message: 'A {kind} session has no connections to close.' },
    zh: { message: '{kind} 会话没有可关闭的连接。' },
  },
  'half-close-tcp-only': {
    en: { message: 'Half-close applies to TCP connections; this is a {kind} session.' },
    zh: { message: '半关闭只适用于 TCP 连接；这是一个 {kind} 会话。' },
  },
  'fin-already-sent': {
    en: { message: 'We already sent FIN on this connection; it can no longer send.', hint: 'Connect again to send.' },
    zh: { message: '本端已在这个连接上发送了 FIN，不能再发送。', hint: '请重新连接后发送。' },
  },
  'connection-closed': {
    en: { message: 'The connection to {peer} is closed.', hint: 'Connect again to send.' },
    zh: { message: '与 {peer} 的连接已关闭。', hint: '请重新连接后发送。' },
  },
  'connection-closed-plain': {
    en: { message: 'The connection to {peer} is closed.' },
    zh: { message: '与 {peer} 的连接已关闭。' },
  },
  'peer-address-unreadable': {
    en: { message: 'Cannot read the address of {peer}.' },
    zh: { message: '无法读取 {peer} 的地址。' },
  },
  'udp-stopped-while-starting': {
    en: { message: 'The UDP session was stopped while it started.' },
    zh: { message: 'UDP 会话在启动过程中被停止。' },
  },
  'udp-join-needs-start': {
    en: { message: 'Start the UDP session before joining a multicast group.' },
    zh: { message: '请先启动 UDP 会话，再加入组播组。' },
  },
  'udp-no-default-remote': {
    en: {
      message: 'This UDP session has no default remote host and port.',
      hint: 'Set a remote host and port, or reply to a received datagram.',
    },
    zh: { message: '这个 UDP 会话没有默认的远程主机和端口。', hint: '请设置远程主机和端口，或回复收到的数据报。' },
  },
  'datagram-gone': {
    en: { message: 'Datagram #{seq} is no longer in the capture, so its sender is unknown.' },
    zh: { message: '数据报 #{seq} 已不在记录中，无法知道它的发送方。' },
  },
  'datagram-sender-unreadable': {
    en: { message: 'Cannot read the sender of datagram #{seq}.' },
    zh: { message: '无法读取数据报 #{seq} 的发送方。' },
  },
  'udp-target': {
    en: { message: 'A UDP session sends to a host and port, or replies to a datagram; it has no connections.' },
    zh: { message: 'UDP 会话发送到主机和端口，或回复数据报；它没有连接。' },
  },
  'udp-not-started': {
    en: { message: 'The UDP session is not started.', hint: START_FIRST_EN },
    zh: { message: 'UDP 会话没有启动。', hint: START_FIRST_ZH },
  },
  'udp-family-ipv4': {
    en: {
      message: 'This UDP session is bound to IPv4 ({bound}) and cannot send to {host}.',
      hint: 'Bind to :: or ::1 to talk IPv6.',
    },
    zh: {
      message: '这个 UDP 会话绑定在 IPv4（{bound}），不能发送到 {host}。',
      hint: '要使用 IPv6，请绑定到 :: 或 ::1。',
    },
  },
  'udp-family-ipv6': {
    en: {
      message: 'This UDP session is bound to IPv6 ({bound}) and cannot send to {host}.',
      hint: 'Bind to 0.0.0.0 or 127.0.0.1 to talk IPv4.',
    },
    zh: {
      message: '这个 UDP 会话绑定在 IPv6（{bound}），不能发送到 {host}。',
      hint: '要使用 IPv4，请绑定到 0.0.0.0 或 127.0.0.1。',
    },
  },
  'nothing-was-sent': {
    en: { message: '{@inner}', hint: '[[{@inner#hint} ]]Nothing was sent.' },
    zh: { message: '{@inner}', hint: '[[{@inner#hint}]]没有发送任何数据。' },
  },
  'echo-self': {
    en: {
      message:
        'Not echoing datagrams this session sent to itself ({peer}): each echo would arrive again and bounce forever.',
      hint: 'Send to another address or port to see the echo.',
    },
    zh: {
      message: '不回显本会话发给自己的数据报（{peer}）：每个回显都会再次到达，无限反弹。',
      hint: '请发送到其他地址或端口以查看回显。',
    },
  },
  'echo-skipping': {
    en: {
      message:
        'Echo is skipping datagrams: the system is not sending them as fast as they arrive, and {mib} MiB of echoes are already waiting.',
      hint: 'Everything received is still recorded; only some echoes are not sent. The counters show how many went out.',
    },
    zh: {
      message: '回显正在跳过数据报：系统发送的速度赶不上它们到达的速度，已有 {mib} MiB 的回显在等待。',
      hint: '收到的一切仍都有记录；只是部分回显没有发出。计数器显示发出了多少。',
    },
  },
  'echo-stopped': {
    en: {
      message:
        'Stopped echoing to {peer}: it has not read the last {mib} MiB sent back to it, and echoing more would only pile up in memory.',
      hint: 'Everything it sends is still received and recorded. The peer has to read what comes back; a new connection is echoed again.',
    },
    zh: {
      message: '已停止向 {peer} 回显：它没有读取最近发回给它的 {mib} MiB，继续回显只会在内存中堆积。',
      hint: '它发送的一切仍会被接收和记录。对端需要读取发回的数据；新连接会重新回显。',
    },
  },
  'listener-failed': {
    en: {
      message: 'A listener of received messages failed: {detail}',
      hint: 'The data is still received and recorded; please report this.',
    },
    zh: { message: '接收消息的一个监听器出错：{detail}', hint: '数据仍在接收和记录；请报告这个问题。' },
  },
  'greeting-invalid': {
    en: { message: 'The greeting: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '连接问候：{@inner}', hint: '{@inner#hint}' },
  },
  'echo-failed': {
    en: { message: 'Echo failed: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '回显失败：{@inner}', hint: '{@inner#hint}' },
  },
  'greeting-not-sent': {
    en: { message: 'The greeting was not sent: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '连接问候没有发送：{@inner}', hint: '{@inner#hint}' },
  },
  'step-failed': {
    en: { message: 'Step {step}: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '第 {step} 步：{@inner}', hint: '{@inner#hint}' },
  },
  'rule-failed': {
    en: { message: 'Rule "{rule}": {@inner}', hint: '{@inner#hint}' },
    zh: { message: '规则“{rule}”：{@inner}', hint: '{@inner#hint}' },
  },
  'rule-reply-failed': {
    en: { message: 'Rule "{rule}" could not reply to {peer}: {@inner}', hint: '{@inner#hint}' },
    zh: { message: '规则“{rule}”无法回复 {peer}：{@inner}', hint: '{@inner#hint}' },
  },
  'rule-hex-not-whole': {
    en: { message: '"{token}" is not whole bytes: write each byte as two hex digits, or ?? for any byte.' },
    zh: { message: '“{token}”不是完整的字节：每个字节写两位十六进制数字，或用 ?? 表示任意字节。' },
  },
  'rule-hex-not-byte': {
    en: { message: '"{pair}" in "{token}" is not a byte: write two hex digits (0–9, A–F) or ?? for any byte.' },
    zh: { message: '“{token}”中的“{pair}”不是字节：请写两位十六进制数字（0–9、A–F），或用 ?? 表示任意字节。' },
  },
  'rule-hex-empty': {
    en: { message: 'The hex pattern is empty: write at least one byte, e.g. 01 03 ?? ??.' },
    zh: { message: '十六进制模式为空：请至少写一个字节，例如 01 03 ?? ??。' },
  },
  'rule-regex-flags': {
    en: { message: 'The regex flags "{flags}" are not allowed: use any of i, m, s and u, each once.' },
    zh: { message: '不允许正则标志“{flags}”：只能用 i、m、s、u，每个最多一次。' },
  },
  'rule-regex-empty': {
    en: { message: 'The regex is empty: it would match every message.' },
    zh: { message: '正则为空：它会匹配每一条消息。' },
  },
  'rule-regex-invalid': {
    en: { message: 'The regex /{pattern}/{flags} is not valid: {reason}.' },
    zh: { message: '正则 /{pattern}/{flags} 无效：{reason}。' },
  },
  'rule-text-empty': {
    en: { message: 'The text to match is empty.' },
    zh: { message: '要匹配的文本为空。' },
  },
  'auto-reply-skipping': {
    en: {
      message: 'Auto-reply is skipping messages: {pending} replies are still waiting to go out.',
      hint: 'The peer is not reading what is sent back, or messages arrive faster than they can be answered. Everything received is still recorded.',
    },
    zh: {
      message: '自动回复正在跳过消息：还有 {pending} 条回复在等待发出。',
      hint: '对端没有读取回复，或消息到达得比回复更快。收到的一切仍都有记录。',
    },
  },
  'no-such-job': {
    en: {
      message: 'There is no running job "{id}" in this session.',
      hint: 'It may have finished already; send.jobs lists the running ones.',
    },
    zh: { message: '本会话中没有正在运行的任务“{id}”。', hint: '它可能已经结束；send.jobs 会列出正在运行的任务。' },
  },
  'already-saving': {
    en: {
      message: 'This session is already saving[[ to {path}]].',
      hint: 'Stop saving first, then start again with the new file.',
    },
    zh: { message: '本会话已经在保存[[到 {path}]]。', hint: '请先停止保存，再用新文件重新开始。' },
  },
  'not-saving': {
    en: { message: 'This session is not saving to a file.' },
    zh: { message: '本会话没有在保存到文件。' },
  },
  'send-file-kind': {
    en: { message: 'A {kind} session cannot send files.' },
    zh: { message: '{kind} 会话不能发送文件。' },
  },
  'file-no-client': {
    en: {
      message: 'No client is connected, so there is no one to send the file to.',
      hint: 'Wait for a client to connect.',
    },
    zh: { message: '没有客户端连接，文件没有发送对象。', hint: '请等待客户端连接。' },
  },
  'file-pause-udp-only': {
    en: { message: 'A pause between datagrams applies to UDP; TCP paces itself to the receiver.' },
    zh: { message: '数据报之间的停顿只适用于 UDP；TCP 会自动按接收方的速度发送。' },
  },
  'file-short-mode': {
    en: {
      message: 'A client in short-connection mode opens a new connection for each message.',
      hint: 'Switch the client to long mode to send a file.',
    },
    zh: { message: '短连接模式的客户端每条消息都会打开一个新连接。', hint: '要发送文件，请把客户端切换到长连接模式。' },
  },
  'file-send-ended': {
    en: { message: 'Sending {name} already ended ({state}).' },
    zh: { message: '{name} 的发送已经结束（{state}）。' },
  },
  'file-part-busy': {
    en: {
      message: 'The previous part is still being sent.',
      hint: 'Push the next part only after the engine answered the previous one.',
    },
    zh: { message: '上一部分仍在发送中。', hint: '请等引擎答复上一部分后再推送下一部分。' },
  },
  'file-part-out-of-order': {
    en: {
      message: 'This part starts at byte {offset}, but {received} bytes of {name} have arrived so far.',
      hint: 'Push the parts in order, each exactly once.',
    },
    zh: {
      message: '这一部分从第 {offset} 字节开始，但 {name} 目前只到了 {received} 字节。',
      hint: '请按顺序推送各部分，每部分只推送一次。',
    },
  },
  'file-part-too-long': {
    en: { message: 'This part would make {name} longer than the {total} bytes announced at the start.' },
    zh: { message: '这一部分会使 {name} 超过开始时声明的 {total} 字节。' },
  },
  'file-datagram-too-large': {
    en: {
      message: 'A UDP datagram carries at most {limit} bytes over {family}; {size} is too many.',
      hint: 'Choose a datagram size up to {limit} ({ethernet} fits one Ethernet frame).',
    },
    zh: {
      message: '{family} 上一个 UDP 数据报最多 {limit} 字节；{size} 太多了。',
      hint: '请选择不超过 {limit} 的数据报大小（{ethernet} 正好放进一个以太网帧）。',
    },
  },
  'file-part-too-large': {
    en: { message: 'A pushed part carries at most {kib} KiB.' },
    zh: { message: '每次推送的部分最多 {kib} KiB。' },
  },
  'file-not-absolute': {
    en: {
      message: '"{path}" is not an absolute path.',
      hint: 'Give the full path, e.g. /home/me/firmware.bin or C:\\Users\\me\\firmware.bin.',
    },
    zh: {
      message: '“{path}”不是绝对路径。',
      hint: '请给出完整路径，例如 /home/me/firmware.bin 或 C:\\Users\\me\\firmware.bin。',
    },
  },
  'file-not-regular': {
    en: { message: '{path} is not a regular file (a device, pipe or socket has no end to send).' },
    zh: { message: '{path} 不是普通文件（设备、管道或套接字没有结尾，无法发送）。' },
  },
  'file-already-sending': {
    en: { message: 'This session is already sending {name} ({progress}).', hint: 'Cancel it or wait until it ends.' },
    zh: { message: '本会话已经在发送 {name}（{progress}）。', hint: '请取消它或等它结束。' },
  },
  'file-send-raced': {
    en: { message: 'This session started sending another file meanwhile.' },
    zh: { message: '本会话在此期间开始发送另一个文件了。' },
  },
  'file-send-not-running': {
    en: { message: 'File send "{id}" is not running in this session; it may have ended.' },
    zh: { message: '文件发送“{id}”没有在本会话中运行；它可能已结束。' },
  },
  'file-folder-missing': {
    en: {
      message: 'The folder {folder} does not exist.',
      hint: 'Create it first, or choose a file in a folder that exists.',
    },
    zh: { message: '文件夹 {folder} 不存在。', hint: '请先创建它，或选择已存在文件夹中的文件。' },
  },
  'file-vanished': {
    en: { message: '{path} disappeared while it was being written.', hint: 'Start saving again to create it anew.' },
    zh: { message: '{path} 在写入过程中消失了。', hint: '请重新开始保存，以重新创建它。' },
  },
  'file-path-not-folder': {
    en: {
      message: 'Part of the path {path} is a file where a folder should be.',
      hint: 'Check the path; every part before the file name must be a folder.',
    },
    zh: {
      message: '路径 {path} 中本应是文件夹的部分是一个文件。',
      hint: '请检查路径；文件名之前的每一部分都必须是文件夹。',
    },
  },
  'file-folder-denied': {
    en: {
      message: 'Sockpit is not allowed to look into the folder {path}.',
      hint: 'Choose a folder you can open, such as your home or Documents folder.',
    },
    zh: { message: 'Sockpit 无权查看文件夹 {path}。', hint: '请选择你能打开的文件夹，例如主目录或“文档”文件夹。' },
  },
  'file-write-denied': {
    en: {
      message: 'Sockpit is not allowed to write {path}.',
      hint: 'Choose a folder you can write to, such as your home or Documents folder, or change the permissions of the file or its folder.',
    },
    zh: {
      message: 'Sockpit 无权写入 {path}。',
      hint: '请选择你能写入的文件夹，例如主目录或“文档”文件夹，或修改该文件或其文件夹的权限。',
    },
  },
  'file-read-only-disk': {
    en: {
      message: '{path} is on a disk that can only be read.',
      hint: 'Choose a folder on a disk that can be written to.',
    },
    zh: { message: '{path} 所在的磁盘只读。', hint: '请选择可写磁盘上的文件夹。' },
  },
  'file-disk-full': {
    en: {
      message: 'The disk holding {path} is full.',
      hint: 'Free some space or save to another disk.[[ Everything saved before this point is in the file.{?written}]]',
    },
    zh: {
      message: '{path} 所在的磁盘已满。',
      hint: '请腾出空间或保存到另一个磁盘。[[此前保存的内容都已在文件中。{?written}]]',
    },
  },
  'file-quota': {
    en: {
      message: 'Your disk quota is used up, so {path} cannot grow.',
      hint: 'Free some space or save to another disk.[[ Everything saved before this point is in the file.{?written}]]',
    },
    zh: {
      message: '你的磁盘配额已用完，{path} 无法再增大。',
      hint: '请腾出空间或保存到另一个磁盘。[[此前保存的内容都已在文件中。{?written}]]',
    },
  },
  'file-too-big': {
    en: {
      message: "{path} has reached the largest file size its disk's file system allows.",
      hint: 'Save to a disk with a file system that allows larger files (FAT32 stops at 4 GiB), or start a new file.[[ Everything saved before this point is in the file.{?written}]]',
    },
    zh: {
      message: '{path} 已达到其磁盘文件系统允许的最大文件大小。',
      hint: '请保存到允许更大文件的文件系统上（FAT32 上限为 4 GiB），或开始一个新文件。[[此前保存的内容都已在文件中。{?written}]]',
    },
  },
  'file-path-too-long': {
    en: {
      message: 'The path {path} is too long for this system.',
      hint: 'Choose a shorter file name or a folder nearer the top of the disk.',
    },
    zh: { message: '路径 {path} 对本系统来说太长。', hint: '请选择更短的文件名，或更靠近磁盘根目录的文件夹。' },
  },
  'file-path-loop': {
    en: { message: 'The path {path} goes round in a loop of symbolic links.', hint: 'Choose another path.' },
    zh: { message: '路径 {path} 陷入了符号链接的循环。', hint: '请选择其他路径。' },
  },
  'file-too-many-open': {
    en: {
      message: 'Too many files are open to open {path}.',
      hint: 'Stop some captures or close other programs, then try again.',
    },
    zh: { message: '打开的文件太多，无法打开 {path}。', hint: '请停止一些保存或关闭其他程序，然后重试。' },
  },
  'file-busy': {
    en: {
      message: '{path} is in use by another program that does not let others write to it.',
      hint: 'Close that program or choose another file.',
    },
    zh: { message: '{path} 正被另一个不允许他人写入的程序使用。', hint: '请关闭那个程序或选择其他文件。' },
  },
  'file-disk-error-write': {
    en: {
      message: 'The disk reported an error while writing {path}.',
      hint: 'The disk or its connection may be failing; save to another disk.[[ Everything saved before this point is in the file.{?written}]]',
    },
    zh: {
      message: '写入 {path} 时磁盘报告了错误。',
      hint: '磁盘或其连接可能出了故障；请保存到另一个磁盘。[[此前保存的内容都已在文件中。{?written}]]',
    },
  },
  'file-disk-error-open': {
    en: {
      message: 'The disk reported an error while opening {path}.',
      hint: 'The disk or its connection may be failing; save to another disk.[[ Everything saved before this point is in the file.{?written}]]',
    },
    zh: {
      message: '打开 {path} 时磁盘报告了错误。',
      hint: '磁盘或其连接可能出了故障；请保存到另一个磁盘。[[此前保存的内容都已在文件中。{?written}]]',
    },
  },
  'file-write-failed': {
    en: {
      message: 'Cannot write {path}: {detail}',
      hint: '[[Everything saved before this point is in the file.{?written}]]',
    },
    zh: { message: '无法写入 {path}：{detail}', hint: '[[此前保存的内容都已在文件中。{?written}]]' },
  },
  'file-open-failed': {
    en: { message: 'Cannot open {path}: {detail}', hint: 'Choose another file.' },
    zh: { message: '无法打开 {path}：{detail}', hint: '请选择其他文件。' },
  },
  'append-not-records': {
    en: {
      message: '{path} is not a Sockpit records file, so records cannot be appended to it.',
      hint: 'Choose a new file, turn off Append to replace this one, or save in the raw format.',
    },
    zh: {
      message: '{path} 不是 Sockpit 记录文件，不能向其追加记录。',
      hint: '请选择新文件，关闭“追加”以替换此文件，或以原始格式保存。',
    },
  },
  'append-damaged': {
    en: {
      message:
        '{path} ends with an incomplete record (the capture writing it was probably cut off), so records appended after it could not be read back.',
      hint: 'Choose a new file, or turn off Append to replace this one.',
    },
    zh: {
      message: '{path} 以一条不完整的记录结尾（写入它的保存可能被中断了），追加在后面的记录将无法读回。',
      hint: '请选择新文件，或关闭“追加”以替换此文件。',
    },
  },
  'append-other-version': {
    en: {
      message:
        '{path} is a version {version} records file; this Sockpit writes version {ours} and cannot append to it.',
      hint: 'Choose a new file, or turn off Append to replace this one.',
    },
    zh: {
      message: '{path} 是第 {version} 版的记录文件；本 Sockpit 写第 {ours} 版，不能向其追加。',
      hint: '请选择新文件，或关闭“追加”以替换此文件。',
    },
  },
  'read-no-file': {
    en: { message: 'There is no file {path}.', hint: 'Check the name and the folder.' },
    zh: { message: '没有文件 {path}。', hint: '请检查文件名和文件夹。' },
  },
  'read-denied': {
    en: {
      message: 'Sockpit may not read {path}.',
      hint: 'Give yourself read permission on it (or copy it somewhere you can read), then send again.',
    },
    zh: {
      message: 'Sockpit 无权读取 {path}。',
      hint: '请给自己该文件的读取权限（或把它复制到你能读取的地方），然后再发送。',
    },
  },
  'read-is-folder': {
    en: { message: '{path} is a folder, not a file.', hint: 'Choose one file inside it.' },
    zh: { message: '{path} 是文件夹，不是文件。', hint: '请选择其中的一个文件。' },
  },
  'read-path-not-folder': {
    en: { message: 'A part of {path} is a file, not a folder.', hint: 'Check the path.' },
    zh: { message: '{path} 中有一部分是文件而不是文件夹。', hint: '请检查路径。' },
  },
  'read-loop': {
    en: { message: '{path} is a loop of symbolic links.' },
    zh: { message: '{path} 是符号链接的循环。' },
  },
  'read-too-many-open': {
    en: { message: 'Too many files are open to open {path}.', hint: 'Close some, then try again.' },
    zh: { message: '打开的文件太多，无法打开 {path}。', hint: '请关闭一些，然后重试。' },
  },
  'read-failed': {
    en: { message: 'Could not read {path}: {detail}' },
    zh: { message: '无法读取 {path}：{detail}' },
  },
  'file-connection-gone': {
    en: { message: 'The connection to {peer} closed after {sent} of {total} of {name}.' },
    zh: { message: '与 {peer} 的连接在发送了 {name} 的 {sent}（共 {total}）后关闭。' },
  },
  'file-send-stopped': {
    en: { message: 'Sending {name} to {peer} stopped: {@inner} {sent} of {total} went.', hint: '{@inner#hint}' },
    zh: { message: '向 {peer} 发送 {name} 已停止：{@inner}已发送 {sent}（共 {total}）。', hint: '{@inner#hint}' },
  },
  'file-got-shorter': {
    en: { message: '{name} got shorter while it was being sent.' },
    zh: { message: '{name} 在发送过程中变短了。' },
  },
  'file-abandoned': {
    en: {
      message: 'No part of {name} arrived for {seconds} s; the window that was sending it may have closed.',
      hint: 'Send the file again.',
    },
    zh: { message: '{seconds} 秒内没有收到 {name} 的任何部分；发送它的窗口可能已关闭。', hint: '请重新发送该文件。' },
  },
  'capture-relative-path': {
    en: {
      message: 'The capture file needs a full path from the top of a disk; "{path}" is relative.',
      hint: 'For example {example}.',
    },
    zh: { message: '记录文件需要从磁盘根目录开始的完整路径；“{path}”是相对路径。', hint: '例如 {example}。' },
  },
  'capture-folder-is-file': {
    en: {
      message: '{folder} is a file, not a folder, so {path} cannot be created in it.',
      hint: 'Choose a file in a folder that exists.',
    },
    zh: { message: '{folder} 是文件而不是文件夹，无法在其中创建 {path}。', hint: '请选择已存在文件夹中的文件。' },
  },
  'capture-path-is-folder': {
    en: { message: '{path} is a folder, not a file.', hint: 'Add a file name to it, for example {example}.' },
    zh: { message: '{path} 是文件夹，不是文件。', hint: '请在后面加上文件名，例如 {example}。' },
  },
} satisfies Record<string, CatalogEntry>;

/** Errors in what a person typed into the send box: hex, escapes, characters, send-time fields. */
const INPUT = {
  'hex-invalid-char': {
    en: {
      message: 'Invalid hex character {char} at position {position} (line {line}, column {column}).',
      hint: HEX_HINT_EN,
    },
    zh: { message: '第 {line} 行第 {column} 列（位置 {position}）的 {char} 不是十六进制字符。', hint: HEX_HINT_ZH },
  },
  'hex-prefix-alone': {
    en: {
      message: '"{prefix}" at position {position} (line {line}, column {column}) is not followed by hex digits.',
      hint: HEX_HINT_EN,
    },
    zh: {
      message: '第 {line} 行第 {column} 列（位置 {position}）的“{prefix}”后面没有十六进制数字。',
      hint: HEX_HINT_ZH,
    },
  },
  'hex-odd-digits': {
    en: {
      message: 'Odd number of hex digits in "{token}" at position {position}: every byte needs two digits.',
      hint: 'Add the missing digit (write 0A, not A), or put a space between bytes.',
    },
    zh: {
      message: '位置 {position} 的“{token}”中十六进制数字个数为奇数：每个字节需要两位数字。',
      hint: '请补上缺少的数字（写 0A 而不是 A），或在字节之间加空格。',
    },
  },
  'escape-at-end': {
    en: {
      message:
        'A backslash at the end of the text, position {position} (line {line}, column {column}), starts no escape.',
      hint: ESCAPE_HINT_EN,
    },
    zh: {
      message: '文本末尾（第 {line} 行第 {column} 列，位置 {position}）的反斜杠没有组成转义。',
      hint: ESCAPE_HINT_ZH,
    },
  },
  'escape-needs-hex': {
    en: {
      message:
        'The escape "{escape}" at position {position} (line {line}, column {column}) needs two hex digits, like \\x0D.',
      hint: ESCAPE_HINT_EN,
    },
    zh: {
      message: '第 {line} 行第 {column} 列（位置 {position}）的转义“{escape}”需要两位十六进制数字，例如 \\x0D。',
      hint: ESCAPE_HINT_ZH,
    },
  },
  'escape-unknown': {
    en: {
      message: 'Unknown escape "\\{letter}" at position {position} (line {line}, column {column}).',
      hint: ESCAPE_HINT_EN,
    },
    zh: {
      message: '第 {line} 行第 {column} 列（位置 {position}）的转义“\\{letter}”无法识别。',
      hint: ESCAPE_HINT_ZH,
    },
  },
  'escape-unknown-char': {
    en: {
      message: 'Unknown escape: a backslash followed by {char} at position {position} (line {line}, column {column}).',
      hint: ESCAPE_HINT_EN,
    },
    zh: {
      message: '第 {line} 行第 {column} 列（位置 {position}）的转义无法识别：反斜杠后面是 {char}。',
      hint: ESCAPE_HINT_ZH,
    },
  },
  'escape-octal': {
    en: {
      message:
        '"\\0{digit}" at position {position} (line {line}, column {column}) is ambiguous: octal escapes are not supported.',
      hint: 'Write \\x00{digit} for a zero byte followed by "{digit}", or \\xNN for one byte.',
    },
    zh: {
      message: '第 {line} 行第 {column} 列（位置 {position}）的“\\0{digit}”有歧义：不支持八进制转义。',
      hint: '零字节后跟“{digit}”请写 \\x00{digit}，单个字节请写 \\xNN。',
    },
  },
  'char-half': {
    en: {
      message:
        'The text has half of a character ({char}) at position {position}, which cannot be written in {encoding}.',
      hint: 'The text was probably cut in the middle of an emoji or a rare character: delete it and type it again.',
    },
    zh: {
      message: '文本在位置 {position} 有半个字符（{char}），无法用 {encoding} 编码。',
      hint: '文本可能在表情符号或生僻字中间被截断：请删除它后重新输入。',
    },
  },
  'char-unencodable': {
    en: {
      message: 'The character {char} at position {position} cannot be written in {encoding}.',
      hint: 'Choose an encoding that has it (UTF-8 or GB18030), or send it as hex.',
    },
    zh: {
      message: '位置 {position} 的字符 {char} 无法用 {encoding} 编码。',
      hint: '请选择包含它的编码（UTF-8 或 GB18030），或用十六进制发送。',
    },
  },
  'placeholder-len-twice': {
    en: {
      message: '{field} appears twice, at characters {first} and {at}; a message has one length field.',
      hint: PLACEHOLDERS_HINT_EN,
    },
    zh: {
      message: '{field} 出现了两次（第 {first} 和第 {at} 个字符）；一条消息只能有一个长度字段。',
      hint: PLACEHOLDERS_HINT_ZH,
    },
  },
  'placeholder-checksum-kind': {
    en: {
      message: '{field} at character {at} needs a checksum kind: choose one (sum8, crc16-modbus, …).',
      hint: 'Or write {escaped} to send the text "{field}".',
    },
    zh: {
      message: '第 {at} 个字符处的 {field} 需要校验类型：请选择一种（sum8、crc16-modbus 等）。',
      hint: '或写 {escaped} 来发送文本“{field}”。',
    },
  },
  'placeholder-checksum-twice': {
    en: {
      message: '{field} appears twice, at characters {first} and {at}; a message has one checksum.',
      hint: PLACEHOLDERS_HINT_EN,
    },
    zh: {
      message: '{field} 出现了两次（第 {first} 和第 {at} 个字符）；一条消息只能有一个校验值。',
      hint: PLACEHOLDERS_HINT_ZH,
    },
  },
  'placeholder-capture': {
    en: {
      message: '{field} at character {at} stands for a regex capture, which only an auto-reply rule fills in.',
      hint: 'Write {escaped} to send the text "{field}".',
    },
    zh: {
      message: '第 {at} 个字符处的 {field} 表示正则捕获，只有自动回复规则才会填入。',
      hint: '写 {escaped} 来发送文本“{field}”。',
    },
  },
  'placeholder-unknown': {
    en: { message: 'Unknown placeholder {field} at character {at}.', hint: PLACEHOLDERS_HINT_EN },
    zh: { message: '第 {at} 个字符处的占位符 {field} 无法识别。', hint: PLACEHOLDERS_HINT_ZH },
  },
  'checksum-range-beyond': {
    en: {
      message: 'The checksum range, bytes {from} to {to?the end}, goes beyond this {length}-byte message.',
      hint: 'Count bytes from 0 without the checksum itself; leave the end empty to mean "to the end".',
    },
    zh: {
      message: '校验范围（第 {from} 字节到{to?末尾}）超出了这条 {length} 字节的消息。',
      hint: '字节从 0 开始计，不含校验值本身；结束位置留空表示“到末尾”。',
    },
  },
  'len-too-wide': {
    en: {
      message: '{placeholder} is {value}, which does not fit in {width} bytes (at most {max}).',
      hint: 'Choose a wider length field or send less.',
    },
    zh: {
      message: '{placeholder} 的值为 {value}，{width} 个字节放不下（最多 {max}）。',
      hint: '请选择更宽的长度字段，或少发送一些。',
    },
  },
  'len-too-wide-one': {
    en: {
      message: '{placeholder} is {value}, which does not fit in 1 byte (at most {max}).',
      hint: 'Choose a wider length field or send less.',
    },
    zh: {
      message: '{placeholder} 的值为 {value}，1 个字节放不下（最多 {max}）。',
      hint: '请选择更宽的长度字段，或少发送一些。',
    },
  },
  'command-unreadable': {
    en: {
      message: 'The command could not be read: reading it threw "{detail}".',
      hint: `Send the command as plain data (JSON-like values, no getters or proxies). ${NOTHING_SENT_EN}`,
    },
    zh: {
      message: '无法读取命令：读取时抛出了“{detail}”。',
      hint: `请以纯数据（类似 JSON 的值，不含 getter 或代理）发送命令。${NOTHING_SENT_ZH}`,
    },
  },
  'command-invalid': {
    en: { message: '{detail}', hint: NOTHING_SENT_EN },
    zh: { message: '命令无效：{detail}', hint: NOTHING_SENT_ZH },
  },
} satisfies Record<string, CatalogEntry>;

/** Checks the interface makes before it sends anything (fields a person fills in). */
const FIELDS = {
  'host-empty': {
    en: { message: 'The host is empty: type an IP address (e.g. 127.0.0.1) or a host name.' },
    zh: { message: '主机为空：请输入 IP 地址（例如 127.0.0.1）或主机名。' },
  },
  'host-too-long': {
    en: { message: 'The host is longer than 253 characters, which no host name can be.' },
    zh: { message: '主机超过 253 个字符，任何主机名都不会这么长。' },
  },
  'host-space': {
    en: { message: 'The host "{host}" contains a space.' },
    zh: { message: '主机“{host}”中含有空格。' },
  },
  'host-bad-ipv4': {
    en: { message: '"{host}" is not a valid IPv4 address (four numbers 0–255 separated by dots).' },
    zh: { message: '“{host}”不是有效的 IPv4 地址（用点分隔的四个 0–255 的数）。' },
  },
  'host-bad-ipv6': {
    en: { message: '"{host}" is not a valid IPv6 address.' },
    zh: { message: '“{host}”不是有效的 IPv6 地址。' },
  },
  'host-bad': {
    en: { message: '"{host}" is not a valid host name or IP address.' },
    zh: { message: '“{host}”不是有效的主机名或 IP 地址。' },
  },
  'remote-port-text': {
    en: { message: '"{text}" is not a port: use a number from 1 to 65535.' },
    zh: { message: '“{text}”不是端口：请填 1 到 65535 之间的数。' },
  },
  'remote-port-invalid': {
    en: { message: 'The port must be a number from 1 to 65535.' },
    zh: { message: '端口必须是 1 到 65535 之间的数。' },
  },
  'remote-port-zero': {
    en: { message: 'Port 0 cannot be connected to: choose a port from 1 to 65535.' },
    zh: { message: '不能连接端口 0：请选择 1 到 65535 之间的端口。' },
  },
  'local-port-invalid': {
    en: { message: 'The port must be a number from 0 to 65535.' },
    zh: { message: '端口必须是 0 到 65535 之间的数。' },
  },
  'local-port-negative': {
    en: { message: 'The port cannot be negative: use 0 to let the system choose one.' },
    zh: { message: '端口不能为负数：填 0 让系统自动选择。' },
  },
  'port-too-big': {
    en: { message: 'The port must be at most 65535.' },
    zh: { message: '端口最大为 65535。' },
  },
  'field-number': {
    en: { message: '{field}: enter a number.' },
    zh: { message: '{field}：请输入数字。' },
  },
  'field-whole': {
    en: { message: '{field}: enter a whole number.' },
    zh: { message: '{field}：请输入整数。' },
  },
  'field-min': {
    en: { message: '{field}: the smallest value is {min}.' },
    zh: { message: '{field}：最小值为 {min}。' },
  },
  'field-max': {
    en: { message: '{field}: the largest value is {max}.' },
    zh: { message: '{field}：最大值为 {max}。' },
  },
  'no-client-selected': {
    en: {
      message: 'No connected client is selected.',
      hint: 'Tick one or more clients in the list, or send to all clients.',
    },
    zh: { message: '没有选中已连接的客户端。', hint: '请在列表中勾选一个或多个客户端，或发送给全部客户端。' },
  },
  'no-sender-yet': {
    en: {
      message: 'Nothing has been received yet, so there is no sender to answer.',
      hint: 'Send to the remote host and port instead.',
    },
    zh: { message: '还没有收到任何数据，没有可回复的发送方。', hint: '请改为发送到远程主机和端口。' },
  },
  'remote-empty': {
    en: {
      message: 'Where to? The remote host and port are empty.',
      hint: 'Fill in Remote host and Remote port, or answer the last sender.',
    },
    zh: { message: '发到哪里？远程主机和端口都是空的。', hint: '请填写远程主机和远程端口，或回复最近的发送方。' },
  },
  'capture-path-empty': {
    en: {
      message: 'Which file? The capture file path is empty.',
      hint: 'Type the full path of a file in a folder that exists.',
    },
    zh: { message: '哪个文件？记录文件路径是空的。', hint: '请输入一个已存在文件夹中的文件的完整路径。' },
  },
  'link-missing': {
    en: { message: 'Sockpit is not connected to its engine.' },
    zh: { message: 'Sockpit 没有连接到它的引擎。' },
  },
  'link-no-answer': {
    en: { message: 'The engine did not answer: {detail}' },
    zh: { message: '引擎没有应答：{detail}' },
  },
} satisfies Record<string, CatalogEntry>;

// The workspace file: saving it, and the sessions a workspace brings back.
const WORKSPACE = {
  'workspace-not-saved': {
    en: {
      message: 'The workspace could not be saved to {path}: {detail}. The last saved workspace is unchanged.',
      hint: 'Sockpit saves again at the next change.',
    },
    zh: {
      message: '无法把工作区保存到 {path}：{detail}。上次保存的工作区保持不变。',
      hint: '下次有改动时 Sockpit 会再次保存。',
    },
  },
  'workspace-not-saved-full': {
    en: {
      message: 'The workspace could not be saved to {path}: the disk is full. The last saved workspace is unchanged.',
      hint: 'Free some space; Sockpit saves again at the next change.',
    },
    zh: {
      message: '无法把工作区保存到 {path}：磁盘已满。上次保存的工作区保持不变。',
      hint: '请腾出一些空间；下次有改动时 Sockpit 会再次保存。',
    },
  },
  'workspace-not-saved-denied': {
    en: {
      message:
        'The workspace could not be saved to {path}: Sockpit may not write in that folder. The last saved workspace is unchanged.',
      hint: 'Fix the folder\u2019s permissions, or start Sockpit with --data-dir pointing at a folder it may write in.',
    },
    zh: {
      message: '无法把工作区保存到 {path}：Sockpit 没有该文件夹的写入权限。上次保存的工作区保持不变。',
      hint: '请修改该文件夹的权限，或用 --data-dir 指定一个可写的文件夹启动 Sockpit。',
    },
  },
  'workspace-not-saved-folder': {
    en: {
      message:
        'The workspace could not be saved to {path}: its folder does not exist or is not a folder. The last saved workspace is unchanged.',
      hint: 'Start Sockpit with --data-dir pointing at a folder that exists.',
    },
    zh: {
      message: '无法把工作区保存到 {path}：它所在的文件夹不存在或不是文件夹。上次保存的工作区保持不变。',
      hint: '请用 --data-dir 指定一个存在的文件夹启动 Sockpit。',
    },
  },
} satisfies Record<string, CatalogEntry>;

export const ERROR_CATALOG = { ...PHRASES, ...SYSTEM, ...ENGINE, ...INPUT, ...FIELDS, ...WORKSPACE };

export type ErrorKey = keyof typeof ERROR_CATALOG;

export function isErrorKey(key: string): key is ErrorKey {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, key);
}
