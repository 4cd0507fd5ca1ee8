/** Every string the duty console shows, in both languages (zh-CN by default, `?lang=en`). */
import type { Lang } from '../i18n/locale.js';

export interface ConsoleMessages {
  title: string;
  username: string;
  password: string;
  logIn: string;
  logOut: string;
  loginFailed: (sentence: string) => string;
  tabs: { alarms: string; orders: string; vehicle: string; enterpriseAlarms: string; enterpriseOrders: string };
  roleNames: Readonly<Record<string, string>>;
  readOnlyNotice: (role: string) => string;
  handlingUnavailable: string;
  stateNames: Readonly<Record<string, string>>;
  severityNames: Readonly<Record<string, string>>;
  departmentNames: Readonly<Record<string, string>>;
  alarmActions: Readonly<Record<string, string>>;
  alarmHistory: Readonly<Record<string, string>>;
  /** 0x1403 results of a lower platform, by result_name. */
  platformResults: Readonly<Record<string, string>>;
  orderActions: Readonly<Record<string, string>>;
  orderEvents: Readonly<Record<string, string>>;
  queue: {
    views: { open: string; new: string; acknowledged: string; escalated: string; all: string };
    anySeverity: string;
    anyRule: string;
    anyUnit: string;
    anyDepartment: string;
    windows: { all: string; '1h': string; today: string; '24h': string; '7d': string };
    platePlaceholder: string;
    columns: {
      severity: string;
      received: string;
      rule: string;
      plate: string;
      unit: string;
      department: string;
      state: string;
      markers: string;
      actions: string;
    };
    total: (total: number, critical: number) => string;
    range: (from: number, to: number, total: number) => string;
    previous: string;
    next: string;
    empty: string;
    arrivals: (n: number) => string;
    showArrivals: string;
    waited: (duration: string) => string;
    ongoing: string;
    ended: string;
    late: string;
    escalated: (level: number, to: string) => string;
    escalatesIn: (duration: string) => string;
    overdueUnhandled: (duration: string) => string;
    heldBy: (who: string, at: string) => string;
    heldByMe: string;
    leftQueue: string;
    started: string;
    received: string;
    endedAt: string;
    enterprise: string;
    terminal: string;
    history: string;
    details: string;
    selectHint: string;
    workOrder: (id: number) => string;
    done: Readonly<Record<string, string>>;
  };
  detailLabels: Readonly<Record<string, string>>;
  dispatch: {
    title: string;
    unit: string;
    department: string;
    enterprise: string;
    noEnterprise: string;
    includeEnterprise: string;
    deadline: string;
    deadlineDefault: string;
    hours: (n: number) => string;
    orderTitle: string;
    description: string;
    next: string;
    back: string;
    confirm: string;
    confirmText: (unit: string, department: string, deadline: string) => string;
    done: (id: number) => string;
  };
  dismiss: { title: string; reason: string; quickReasons: readonly string[]; confirm: string; tooShort: string };
  cancel: string;
  close: string;
  help: {
    title: string;
    keys: readonly (readonly [string, string])[];
    open: string;
  };
  attention: {
    soundOn: string;
    soundOff: string;
    enableSound: string;
    notificationsOff: string;
    notificationsOn: string;
    notificationsDenied: string;
    criticalTitle: (n: number) => string;
    criticalChip: (n: number) => string;
    escalatedChip: (n: number) => string;
    notificationTitle: (rule: string) => string;
    notificationBody: (plate: string, place: string, time: string) => string;
  };
  orders: {
    views: { mine: string; issued: string; overdue: string; escalated: string; open: string; all: string };
    issue: string;
    empty: string;
    columns: { id: string; title: string; assignee: string; issuer: string; state: string; deadline: string };
    remaining: (duration: string) => string;
    overdueBy: (duration: string) => string;
    overdue: string;
    urged: (at: string) => string;
    escalatedTo: (unit: string) => string;
    closedAt: (at: string) => string;
    timeline: string;
    attachments: string;
    selectHint: string;
    category: string;
    severity: string;
    source: string;
    sources: { alarm: string; top_down: string };
    alarm: string;
    enterprise: string;
    createdAt: string;
    textLabel: Readonly<Record<string, string>>;
    textRequired: string;
    addFiles: string;
    fileTooLarge: (name: string, kb: number) => string;
    filesTooLarge: (kb: number) => string;
    tooManyFiles: (n: number) => string;
    submit: string;
    transferTo: string;
    claimed: (at: string) => string;
    issueTitle: string;
    issueCategory: string;
    categories: Readonly<Record<string, string>>;
    done: (action: string) => string;
    downloading: string;
  };
  vehicle: {
    title: string;
    search: string;
    /** `example` is a plate of the served province (e.g. 豫A12345), or '' before its boundaries arrived. */
    searchPlaceholder: (example: string) => string;
    noMatch: string;
    from: string;
    to: string;
    presets: { '2h': string; today: string; '24h': string; yesterday: string; '7d': string };
    show: string;
    trackEmpty: string;
    play: string;
    pause: string;
    speed: string;
    points: (shown: number, raw: number) => string;
    mileage: (km: string) => string;
    /** The driver at the wheel at the window's end, by their card. */
    driver: (name: string, certificate: string, since: string) => string;
    stops: string;
    trips: string;
    stopLine: (from: string, duration: string) => string;
    tripLine: (from: string, to: string, km: string, maxKmh: number) => string;
    alarmsOnTrack: string;
    noAlarms: string;
    photos: string;
    noPhotos: string;
    takePhoto: string;
    photoRequested: string;
    commands: string;
    sendText: string;
    textPlaceholder: string;
    send: string;
    locationQuery: string;
    commandResult: (result: string) => string;
    commandsNotAllowed: string;
    myVehicles: string;
    kmh: string;
    windowTooLong: (days: number) => string;
  };
  evidence: {
    title: string;
    waiting: string;
    failed: string;
    fileTypes: Record<string, string>;
  };
  video: {
    title: string;
    channel: string;
    live: string;
    liveOf: (channel: number) => string;
    playbackOf: (channel: number, from: string) => string;
    recordings: string;
    findRecordings: string;
    noRecordings: string;
    play: string;
    pause: string;
    resume: string;
    connecting: string;
    waiting: string;
    close: string;
    ended: (reason: string) => string;
    endReasons: Readonly<Record<string, string>>;
    browserFailed: (reason: string) => string;
    notAllowed: string;
    /** The player's sound control (muted until pressed: browsers play sound only after a click). */
    soundOn: string;
    soundOff: string;
    soundLevel: string;
    soundUnplayable: (codec: string) => string;
  };
  errors: {
    network: string;
    unauthenticated: string;
    badCredentials: string;
    throttled: string;
    forbidden: string;
    outOfScope: string;
    notFound: string;
    heldByOther: (who: string, at: string) => string;
    badState: (state: string) => string;
    reasonRequired: string;
    textRequired: string;
    alreadyClaimed: string;
    notOverdue: (deadline: string) => string;
    attachmentTooLarge: string;
    tooManyAttachments: string;
    bodyTooLarge: string;
    unknownDepartment: string;
    unknownOrgUnit: string;
    unknownEnterprise: string;
    noChange: string;
    terminalOffline: string;
    terminalTimeout: string;
    terminalNotFound: string;
    downlinkBusy: string;
    videoFull: string;
    terminalRefused: string;
    channelBusy: string;
    badField: (field: string) => string;
    windowTooLong: string;
    server: (status: number) => string;
    other: (reason: string) => string;
  };
  failed: (sentence: string) => string;
  refreshed: (clock: string) => string;
  loading: string;
}

const ZH: ConsoleMessages = {
  title: '值班工作台',
  username: '用户名',
  password: '密码',
  logIn: '登录',
  logOut: '退出',
  loginFailed: (sentence) => `登录失败：${sentence}`,
  tabs: {
    alarms: '报警队列',
    orders: '工单',
    vehicle: '车辆',
    enterpriseAlarms: '本企业报警',
    enterpriseOrders: '整改工单',
  },
  roleNames: {
    admin: '管理员',
    leader: '领导',
    dispatcher: '调度员',
    duty_officer: '值班员',
    analyst: '分析员',
    enterprise: '企业',
    wall: '大屏',
  },
  readOnlyNotice: (role) =>
    `当前账号角色为「${role}」，只能查看报警，不能签收、派单或排除。处置报警请使用值班员、调度员或领导账号：由管理员在「系统管理」页的「用户」中创建。`,
  handlingUnavailable: '本服务器尚未提供报警处置接口，队列只读。',
  stateNames: {
    new: '新报警',
    acknowledged: '已签收',
    dispatched: '已派单',
    dismissed: '已排除',
    closed: '已关闭',
    issued: '待签收',
    signed: '已签收',
    in_progress: '办理中',
    feedback_submitted: '待验收',
    accepted: '已办结',
    returned: '已退回',
  },
  severityNames: { critical: '严重', warning: '警告', info: '提示' },
  departmentNames: {
    road_transport: '运管',
    enforcement: '执法',
    safety: '安监',
    expressway: '高速',
    tech_support: '技术保障',
  },
  alarmActions: { acknowledge: '签收', dispatch: '派单', dismiss: '误报排除', close: '关闭' },
  alarmHistory: {
    raised: '报警生成',
    acknowledged: '签收',
    dismissed: '误报排除',
    dispatched: '派单',
    closed: '关闭',
    escalated: '超时升级',
    episode_ended: '报警结束',
    platform_result: '下级平台处理结果',
  },
  platformResults: { handling: '处理中', handled: '已处理完毕', not_handled: '不作处理', will_handle: '将来处理' },
  orderActions: {
    sign: '签收',
    claim: '认领',
    start: '开始办理',
    self_check: '提交自查',
    explanation: '情况说明',
    rectification: '上传整改材料',
    review: '核查',
    feedback: '反馈结果',
    accept: '验收办结',
    return: '退回',
    transfer: '转办',
    urge: '督办',
    comment: '备注',
  },
  orderEvents: {
    issued: '下发',
    signed: '签收',
    claimed: '企业认领',
    started: '开始办理',
    self_check: '企业自查',
    explanation: '情况说明',
    rectification: '整改材料',
    review: '核查',
    feedback: '反馈结果',
    accepted: '验收办结',
    returned: '退回',
    transferred: '转办',
    urged: '督办',
    comment: '备注',
    overdue_escalated: '超期，系统督办',
  },
  queue: {
    views: { open: '待处理', new: '新报警', acknowledged: '已签收', escalated: '升级给本单位', all: '全部' },
    anySeverity: '全部级别',
    anyRule: '全部类型',
    anyUnit: '全部单位',
    anyDepartment: '全部部门',
    windows: { all: '不限时间', '1h': '近1小时', today: '今天', '24h': '近24小时', '7d': '近7天' },
    platePlaceholder: '车牌',
    columns: {
      severity: '级别',
      received: '接报时间',
      rule: '类型',
      plate: '车牌',
      unit: '属地单位',
      department: '部门',
      state: '状态',
      markers: '标记',
      actions: '操作',
    },
    total: (total, critical) => `共 ${total} 条${critical > 0 ? `，其中严重 ${critical} 条` : ''}`,
    range: (from, to, total) => `第 ${from}–${to} 条 / 共 ${total} 条`,
    previous: '上一页',
    next: '下一页',
    empty: '当前条件下没有报警',
    arrivals: (n) => `${n} 条新报警`,
    showArrivals: '刷新队列',
    waited: (d) => `已等 ${d}`,
    ongoing: '进行中',
    ended: '已结束',
    late: '补传',
    escalated: (level, to) => `已升级${level > 1 ? ` ×${level}` : ''} → ${to}`,
    escalatesIn: (d) => `${d}后升级`,
    overdueUnhandled: (d) => `超时未签收 ${d}`,
    heldBy: (who, at) => `${who} ${at} 签收`,
    heldByMe: '我已签收',
    leftQueue: '已离开队列',
    started: '开始时间',
    received: '接报时间',
    endedAt: '结束时间',
    enterprise: '所属企业',
    terminal: '终端号',
    history: '处置记录',
    details: '报警详情',
    selectHint: '选择一条报警查看详情（j/k 上下移动，? 查看快捷键）',
    workOrder: (id) => `工单 #${id}`,
    done: {
      acknowledge: '已签收',
      dispatch: '已派单',
      dismiss: '已排除',
      close: '已关闭',
    },
  },
  detailLabels: {
    max_speed_kmh: '最高速度 (km/h)',
    limit_kmh: '限速 (km/h)',
    sign_limit_kmh: '摄像头识别限速标志 (km/h)',
    sign_seconds_before: '识别于 (秒前)',
    speed_kmh: '当前速度 (km/h)',
    over_percent: '超速比例 (%)',
    duration_s: '持续 (秒)',
    driving_minutes: '连续驾驶 (分钟)',
    weight_kg: '重量 (kg)',
    limit_kg: '限重 (kg)',
    sustained_seconds: '持续 (秒)',
    vehicle_class: '车型',
    info: '报警信息',
  },
  dispatch: {
    title: '派单',
    unit: '承办单位',
    department: '承办部门',
    enterprise: '涉及企业',
    noEnterprise: '无（未登记企业）',
    includeEnterprise: '同时推送企业整改',
    deadline: '办理时限',
    deadlineDefault: '按配置（默认）',
    hours: (n) => `${n} 小时`,
    orderTitle: '工单标题',
    description: '办理要求',
    next: '下一步',
    back: '返回修改',
    confirm: '确认派单',
    confirmText: (unit, department, deadline) => `派往 ${unit} · ${department}，办理时限：${deadline}。确认派单？`,
    done: (id) => `已派单，工单 #${id}`,
  },
  dismiss: {
    title: '误报排除',
    reason: '排除原因（必填）',
    quickReasons: ['定位漂移', '设备故障', '测试数据', '重复报警', '已核实无违法'],
    confirm: '确认排除',
    tooShort: '请写明排除原因（至少 2 个字）',
  },
  cancel: '取消',
  close: '关闭',
  help: {
    title: '键盘快捷键',
    keys: [
      ['j / ↓', '下一条报警'],
      ['k / ↑', '上一条报警'],
      ['a', '签收所选报警'],
      ['d', '派单（打开派单对话框）'],
      ['x', '误报排除（填写原因）'],
      ['v', '查看车辆轨迹'],
      ['n', '刷新队列，显示新报警'],
      ['[ / ]', '上一页 / 下一页'],
      ['?', '显示或关闭本帮助'],
      ['Esc', '关闭对话框'],
    ],
    open: '快捷键 ?',
  },
  attention: {
    soundOn: '声音：开',
    soundOff: '声音：已静音',
    enableSound: '♪ 点击此处启用报警声音（浏览器需要一次点击才能发声）',
    notificationsOff: '开启桌面通知',
    notificationsOn: '桌面通知：开',
    notificationsDenied: '桌面通知被浏览器禁止',
    criticalTitle: (n) => `(${n}) 严重报警未签收`,
    criticalChip: (n) => `严重报警未签收 ${n}`,
    escalatedChip: (n) => `升级给本单位 ${n}`,
    notificationTitle: (rule) => `严重报警：${rule}`,
    notificationBody: (plate, place, time) => `${plate} · ${place} · ${time}`,
  },
  orders: {
    views: {
      mine: '本单位承办',
      issued: '本单位下发',
      overdue: '超期',
      escalated: '督办给本单位',
      open: '全部在办',
      all: '全部',
    },
    issue: '下发工单',
    empty: '当前条件下没有工单',
    columns: { id: '编号', title: '标题', assignee: '承办', issuer: '下发单位', state: '状态', deadline: '时限' },
    remaining: (d) => `剩余 ${d}`,
    overdueBy: (d) => `超期 ${d}`,
    overdue: '超期',
    urged: (at) => `督办于 ${at}`,
    escalatedTo: (unit) => `已督办至 ${unit}`,
    closedAt: (at) => `办结于 ${at}`,
    timeline: '办理过程',
    attachments: '附件',
    selectHint: '选择一个工单查看办理过程和可做的操作',
    category: '类别',
    severity: '级别',
    source: '来源',
    sources: { alarm: '报警派单', top_down: '上级下发' },
    alarm: '关联报警',
    enterprise: '涉及企业',
    createdAt: '下发时间',
    textLabel: {
      sign: '签收意见（可选）',
      claim: '认领说明（可选）',
      start: '说明（可选）',
      self_check: '自查结果',
      explanation: '情况说明',
      rectification: '整改情况',
      review: '核查意见（可附抄告函）',
      feedback: '办理结果',
      accept: '验收意见（可选）',
      return: '退回原因',
      transfer: '转办说明（可选）',
      urge: '督办意见',
      comment: '备注内容',
    },
    textRequired: '请填写内容',
    addFiles: '添加附件（照片、扫描件）',
    fileTooLarge: (name, kb) =>
      `文件「${name}」太大，单个附件不能超过 ${kb} KB（照片会自动压缩，其他文件请压缩后再传）`,
    filesTooLarge: (kb) => `附件合计不能超过 ${kb} KB，请分次提交`,
    tooManyFiles: (n) => `每次最多 ${n} 个附件`,
    submit: '提交',
    transferTo: '转办至',
    claimed: (at) => `企业已于 ${at} 认领`,
    issueTitle: '下发工单（上级交办）',
    issueCategory: '类别',
    categories: {
      inspection: '专项检查',
      rectification: '隐患整改',
      supervision: '督查督办',
      complaint: '投诉处理',
      overspeed: '超速报警',
      fatigue: '疲劳驾驶',
      overload: '超限超载',
    },
    done: (action) => `已${action}`,
    downloading: '正在下载…',
  },
  vehicle: {
    title: '车辆',
    search: '查询',
    searchPlaceholder: (example) => (example ? `车牌或终端号，如 ${example}` : '车牌或终端号'),
    noMatch: '没有找到该车辆（或不在您的管辖范围内）',
    from: '从',
    to: '至',
    presets: { '2h': '近2小时', today: '今天', '24h': '近24小时', yesterday: '昨天', '7d': '近7天' },
    show: '显示轨迹',
    trackEmpty: '该时段没有轨迹',
    play: '▶ 回放',
    pause: '❚❚ 暂停',
    speed: '倍速',
    points: (shown, raw) => `轨迹点 ${shown}（原始 ${raw}）`,
    mileage: (km) => `里程 ${km} km`,
    driver: (name, certificate, since) => `当前驾驶员 ${name}（从业资格证 ${certificate}），${since} 插卡`,
    stops: '停车',
    trips: '行程',
    stopLine: (from, d) => `${from} 停车 ${d}`,
    tripLine: (from, to, km, maxKmh) => `${from}–${to} · ${km} km · 最高 ${maxKmh} km/h`,
    alarmsOnTrack: '轨迹上的报警',
    noAlarms: '该时段无报警',
    photos: '终端照片',
    noPhotos: '该时段终端未上传照片',
    takePhoto: '立即拍照',
    photoRequested: '终端已接受拍照指令，照片上传后显示在这里',
    commands: '下发指令',
    sendText: '下发文本',
    textPlaceholder: '发送到车载终端的文字（最多500字，终端显示并语音播报）',
    send: '发送',
    locationQuery: '位置查询',
    commandResult: (result) => `终端应答：${result}`,
    commandsNotAllowed: '您的账号不能向终端下发指令',
    myVehicles: '本企业车辆',
    kmh: 'km/h',
    windowTooLong: (days) => `一次最多查询 ${days} 天，请缩短时间范围`,
  },
  evidence: {
    title: '报警附件',
    waiting: '终端尚未上传本报警的附件（已请求上传）',
    failed: '附件读取失败',
    fileTypes: { '0': '图片', '1': '音频', '2': '视频', '3': '文本', '4': '其他' },
  },
  video: {
    title: '视频',
    channel: '通道',
    live: '实时视频',
    liveOf: (channel) => `通道${channel} 实时`,
    playbackOf: (channel, from) => `通道${channel} 回放 ${from}`,
    recordings: '终端录像',
    findRecordings: '查询录像',
    noRecordings: '该时段终端没有录像',
    play: '回放',
    pause: '暂停',
    resume: '继续',
    connecting: '正在请求终端推流…',
    waiting: '终端已接受，等待关键帧…',
    close: '关闭',
    soundOn: '声音',
    soundOff: '静音',
    soundLevel: '音量',
    soundUnplayable: (codec) => `声音为 ${codec} 编码，控制台不能播放`,
    ended: (reason) => `视频已结束（${reason}）`,
    endReasons: {
      no_viewers: '无人观看，已关闭',
      terminal_closed: '终端已停止推流',
      terminal_did_not_connect: '终端未连接媒体服务器',
      stream_stalled: '终端推流中断',
      stream_bandwidth: '码流超过单路带宽上限，已关闭',
      codec_unsupported: '终端发送的是H.265等浏览器无法播放的编码',
      server_stopping: '服务器正在停止',
      ended_by_user: '回放已结束',
      bad_ticket: '观看凭证已失效，请重新打开',
      viewers_full: '观看人数已满',
      unauthorized: '会话已失效，请重新登录',
      token_expired: '会话已过期，请重新登录',
    },
    browserFailed: (reason) => `浏览器无法播放：${reason}`,
    notAllowed: '当前角色不能查看视频',
  },
  errors: {
    network: '无法连接服务器，请检查网络后重试。',
    unauthenticated: '登录已失效，请重新登录。',
    badCredentials: '用户名或密码错误。',
    throttled: '尝试次数过多，请稍后再试。',
    forbidden: '您的账号没有执行此操作的权限。',
    outOfScope: '目标单位不在您的管辖范围内。',
    notFound: '没有找到该记录，或它不在您的管辖范围内。',
    heldByOther: (who, at) => `该报警已由 ${who} 于 ${at} 签收，只有签收人可以继续处置。`,
    badState: (state) => `该记录当前状态为「${state}」，不能执行此操作，列表已刷新。`,
    reasonRequired: '请填写原因。',
    textRequired: '请填写内容。',
    alreadyClaimed: '该工单已被企业认领。',
    notOverdue: (deadline) => `该工单尚未超期（时限 ${deadline}），暂不能督办。`,
    attachmentTooLarge: '附件太大，单个附件不能超过 512 KB。',
    tooManyAttachments: '附件太多，每次最多 5 个。',
    bodyTooLarge: '提交的内容太大（附件合计超过上限），请分次提交。',
    unknownDepartment: '该单位没有所选部门。',
    unknownOrgUnit: '没有这个单位。',
    unknownEnterprise: '没有这个企业。',
    noChange: '转办需要选择另一个单位、部门或企业。',
    terminalOffline: '终端当前不在线，无法下发指令。',
    videoFull: '视频路数或带宽已达上限，请关闭其他视频后再试。',
    terminalRefused: '终端拒绝了该请求。',
    channelBusy: '该通道正在回放录像，请先结束回放。',
    terminalTimeout: '终端在规定时间内没有应答，请稍后重试。',
    terminalNotFound: '没有登记该车牌的终端。',
    downlinkBusy: '该终端还有指令未应答，请稍后再发。',
    badField: (field) => `输入有误：${field}`,
    windowTooLong: '查询的时间范围太长。',
    server: (status) => `服务器出错（${status}），请稍后重试或联系技术保障。`,
    other: (reason) => `操作未完成（${reason}）。`,
  },
  failed: (sentence) => sentence,
  refreshed: (clock) => `更新于 ${clock}`,
  loading: '加载中…',
};

const EN: ConsoleMessages = {
  title: 'Duty console',
  username: 'User name',
  password: 'Password',
  logIn: 'Log in',
  logOut: 'Log out',
  loginFailed: (sentence) => `Login failed: ${sentence}`,
  tabs: {
    alarms: 'Alarm queue',
    orders: 'Work orders',
    vehicle: 'Vehicle',
    enterpriseAlarms: 'Our alarms',
    enterpriseOrders: 'Rectification orders',
  },
  roleNames: {
    admin: 'administrator',
    leader: 'leader',
    dispatcher: 'dispatcher',
    duty_officer: 'duty officer',
    analyst: 'analyst',
    enterprise: 'enterprise',
    wall: 'wall',
  },
  readOnlyNotice: (role) =>
    `This account is a ${role}: it can read alarms but not acknowledge, dispatch or dismiss them. Handle alarms with a duty officer, dispatcher or leader account: an administrator creates one under Users on the Administration (系统管理) tab.`,
  handlingUnavailable: 'This server does not offer alarm handling yet; the queue is read-only.',
  stateNames: {
    new: 'New',
    acknowledged: 'Acknowledged',
    dispatched: 'Dispatched',
    dismissed: 'Dismissed',
    closed: 'Closed',
    issued: 'To sign',
    signed: 'Signed',
    in_progress: 'In progress',
    feedback_submitted: 'To accept',
    accepted: 'Accepted',
    returned: 'Returned',
  },
  severityNames: { critical: 'Critical', warning: 'Warning', info: 'Info' },
  departmentNames: {
    road_transport: 'Road transport',
    enforcement: 'Enforcement',
    safety: 'Safety',
    expressway: 'Expressway',
    tech_support: 'Technical support',
  },
  alarmActions: { acknowledge: 'Acknowledge', dispatch: 'Dispatch', dismiss: 'Dismiss', close: 'Close' },
  alarmHistory: {
    raised: 'Raised',
    acknowledged: 'Acknowledged',
    dismissed: 'Dismissed',
    dispatched: 'Dispatched',
    closed: 'Closed',
    escalated: 'Escalated',
    episode_ended: 'Episode ended',
    platform_result: 'Lower platform’s result',
  },
  platformResults: {
    handling: 'being handled',
    handled: 'handled',
    not_handled: 'will not be handled',
    will_handle: 'to be handled later',
  },
  orderActions: {
    sign: 'Sign',
    claim: 'Claim',
    start: 'Start',
    self_check: 'Self-check',
    explanation: 'Explanation',
    rectification: 'Rectification evidence',
    review: 'Review',
    feedback: 'Report result',
    accept: 'Accept',
    return: 'Return',
    transfer: 'Transfer',
    urge: 'Urge',
    comment: 'Comment',
  },
  orderEvents: {
    issued: 'Issued',
    signed: 'Signed',
    claimed: 'Claimed by the enterprise',
    started: 'Started',
    self_check: 'Self-check',
    explanation: 'Explanation',
    rectification: 'Rectification',
    review: 'Review',
    feedback: 'Result reported',
    accepted: 'Accepted',
    returned: 'Returned',
    transferred: 'Transferred',
    urged: 'Urged',
    comment: 'Comment',
    overdue_escalated: 'Overdue, escalated by the system',
  },
  queue: {
    views: { open: 'Open', new: 'New', acknowledged: 'Acknowledged', escalated: 'Escalated to us', all: 'All' },
    anySeverity: 'Any severity',
    anyRule: 'Any rule',
    anyUnit: 'Any unit',
    anyDepartment: 'Any department',
    windows: { all: 'Any time', '1h': 'Last hour', today: 'Today', '24h': 'Last 24 h', '7d': 'Last 7 days' },
    platePlaceholder: 'Plate',
    columns: {
      severity: 'Severity',
      received: 'Received',
      rule: 'Rule',
      plate: 'Plate',
      unit: 'Unit',
      department: 'Department',
      state: 'State',
      markers: 'Markers',
      actions: 'Actions',
    },
    total: (total, critical) => `${total} alarms${critical > 0 ? `, ${critical} critical` : ''}`,
    range: (from, to, total) => `${from}–${to} of ${total}`,
    previous: 'Previous',
    next: 'Next',
    empty: 'No alarms match',
    arrivals: (n) => `${n} new alarm${n === 1 ? '' : 's'}`,
    showArrivals: 'Refresh queue',
    waited: (d) => `waiting ${d}`,
    ongoing: 'Ongoing',
    ended: 'Ended',
    late: 'Back-filled',
    escalated: (level, to) => `Escalated${level > 1 ? ` ×${level}` : ''} → ${to}`,
    escalatesIn: (d) => `escalates in ${d}`,
    overdueUnhandled: (d) => `unhandled ${d} too long`,
    heldBy: (who, at) => `${who} at ${at}`,
    heldByMe: 'held by me',
    leftQueue: 'left the queue',
    started: 'Started',
    received: 'Received',
    endedAt: 'Ended',
    enterprise: 'Enterprise',
    terminal: 'Terminal',
    history: 'Handling',
    details: 'Alarm details',
    selectHint: 'Select an alarm for its details (j/k to move, ? for shortcuts)',
    workOrder: (id) => `Work order #${id}`,
    done: { acknowledge: 'Acknowledged', dispatch: 'Dispatched', dismiss: 'Dismissed', close: 'Closed' },
  },
  detailLabels: {
    max_speed_kmh: 'Top speed (km/h)',
    limit_kmh: 'Limit (km/h)',
    sign_limit_kmh: 'Speed sign read by camera (km/h)',
    sign_seconds_before: 'Sign read (s before)',
    speed_kmh: 'Last speed (km/h)',
    over_percent: 'Over limit (%)',
    duration_s: 'Duration (s)',
    driving_minutes: 'Driving (min)',
    weight_kg: 'Weight (kg)',
    limit_kg: 'Limit (kg)',
    sustained_seconds: 'Sustained (s)',
    vehicle_class: 'Vehicle class',
    info: 'Report',
  },
  dispatch: {
    title: 'Dispatch',
    unit: 'Assignee unit',
    department: 'Department',
    enterprise: 'Enterprise',
    noEnterprise: 'None (not registered)',
    includeEnterprise: 'Also send to the enterprise for rectification',
    deadline: 'Deadline',
    deadlineDefault: 'As configured (default)',
    hours: (n) => `${n} hours`,
    orderTitle: 'Title',
    description: 'Instructions',
    next: 'Next',
    back: 'Back',
    confirm: 'Confirm dispatch',
    confirmText: (unit, department, deadline) => `Send to ${unit} · ${department}, deadline ${deadline}. Dispatch?`,
    done: (id) => `Dispatched as work order #${id}`,
  },
  dismiss: {
    title: 'Dismiss as false alarm',
    reason: 'Reason (required)',
    quickReasons: ['GPS drift', 'Device fault', 'Test data', 'Duplicate', 'Checked: no violation'],
    confirm: 'Confirm dismissal',
    tooShort: 'Give a reason (2 characters at least)',
  },
  cancel: 'Cancel',
  close: 'Close',
  help: {
    title: 'Keyboard shortcuts',
    keys: [
      ['j / ↓', 'next alarm'],
      ['k / ↑', 'previous alarm'],
      ['a', 'acknowledge the selected alarm'],
      ['d', 'dispatch (opens the dialog)'],
      ['x', 'dismiss (with a reason)'],
      ['v', 'show the vehicle'],
      ['n', 'refresh the queue with the new alarms'],
      ['[ / ]', 'previous / next page'],
      ['?', 'show or hide this help'],
      ['Esc', 'close a dialog'],
    ],
    open: 'Shortcuts ?',
  },
  attention: {
    soundOn: 'Sound on',
    soundOff: 'Sound muted',
    enableSound: '♪ Click here to enable alarm sounds (the browser needs one click first)',
    notificationsOff: 'Enable desktop notifications',
    notificationsOn: 'Notifications on',
    notificationsDenied: 'Notifications blocked by the browser',
    criticalTitle: (n) => `(${n}) critical unacknowledged`,
    criticalChip: (n) => `Critical unacknowledged ${n}`,
    escalatedChip: (n) => `Escalated to us ${n}`,
    notificationTitle: (rule) => `Critical alarm: ${rule}`,
    notificationBody: (plate, place, time) => `${plate} · ${place} · ${time}`,
  },
  orders: {
    views: {
      mine: 'Assigned to us',
      issued: 'Issued by us',
      overdue: 'Overdue',
      escalated: 'Escalated to us',
      open: 'All open',
      all: 'All',
    },
    issue: 'Issue order',
    empty: 'No work orders match',
    columns: {
      id: 'No.',
      title: 'Title',
      assignee: 'Assignee',
      issuer: 'Issued by',
      state: 'State',
      deadline: 'Deadline',
    },
    remaining: (d) => `${d} left`,
    overdueBy: (d) => `overdue ${d}`,
    overdue: 'Overdue',
    urged: (at) => `urged ${at}`,
    escalatedTo: (unit) => `escalated to ${unit}`,
    closedAt: (at) => `closed ${at}`,
    timeline: 'Timeline',
    attachments: 'Attachments',
    selectHint: 'Select a work order for its timeline and the steps you may take',
    category: 'Category',
    severity: 'Severity',
    source: 'Source',
    sources: { alarm: 'From an alarm', top_down: 'Issued from above' },
    alarm: 'Alarm',
    enterprise: 'Enterprise',
    createdAt: 'Issued',
    textLabel: {
      sign: 'Note (optional)',
      claim: 'Note (optional)',
      start: 'Note (optional)',
      self_check: 'Self-check result',
      explanation: 'Explanation',
      rectification: 'Rectification done',
      review: 'Verification (attach the notification letter)',
      feedback: 'Result',
      accept: 'Note (optional)',
      return: 'Why it is returned',
      transfer: 'Note (optional)',
      urge: 'What is demanded',
      comment: 'Comment',
    },
    textRequired: 'Write something first',
    addFiles: 'Add files (photos, scans)',
    fileTooLarge: (name, kb) => `"${name}" is too large: ${kb} KB at most per file (photos are shrunk automatically)`,
    filesTooLarge: (kb) => `Files may total ${kb} KB at most per step; submit them in several steps`,
    tooManyFiles: (n) => `${n} files at most per step`,
    submit: 'Submit',
    transferTo: 'Transfer to',
    claimed: (at) => `claimed by the enterprise ${at}`,
    issueTitle: 'Issue a work order',
    issueCategory: 'Category',
    categories: {
      inspection: 'Inspection',
      rectification: 'Hazard rectification',
      supervision: 'Supervision',
      complaint: 'Complaint',
      overspeed: 'Overspeed',
      fatigue: 'Fatigue driving',
      overload: 'Overload',
    },
    done: (action) => `${action}: done`,
    downloading: 'Downloading…',
  },
  vehicle: {
    title: 'Vehicle',
    search: 'Find',
    searchPlaceholder: (example) =>
      example ? `Plate or terminal number, e.g. ${example}` : 'Plate or terminal number',
    noMatch: 'No such vehicle (or it is outside your scope)',
    from: 'From',
    to: 'to',
    presets: { '2h': 'Last 2 h', today: 'Today', '24h': 'Last 24 h', yesterday: 'Yesterday', '7d': 'Last 7 days' },
    show: 'Show track',
    trackEmpty: 'No fixes in this window',
    play: '▶ Play',
    pause: '❚❚ Pause',
    speed: 'Speed',
    points: (shown, raw) => `${shown} points (${raw} fixes)`,
    mileage: (km) => `${km} km driven`,
    driver: (name, certificate, since) => `Driver ${name} (qualification ${certificate}), card in at ${since}`,
    stops: 'Stops',
    trips: 'Trips',
    stopLine: (from, d) => `${from} stopped ${d}`,
    tripLine: (from, to, km, maxKmh) => `${from}–${to} · ${km} km · top ${maxKmh} km/h`,
    alarmsOnTrack: 'Alarms on the track',
    noAlarms: 'No alarms in this window',
    photos: 'Terminal photos',
    noPhotos: 'No photos in this window',
    takePhoto: 'Take a photo now',
    photoRequested: 'The terminal took the command; the photo shows here once uploaded',
    commands: 'Commands',
    sendText: 'Text message',
    textPlaceholder: 'Text for the vehicle terminal (500 characters at most; shown and read out)',
    send: 'Send',
    locationQuery: 'Location query',
    commandResult: (result) => `Terminal answered: ${result}`,
    commandsNotAllowed: 'This account may not send commands to terminals',
    myVehicles: 'Our vehicles',
    kmh: 'km/h',
    windowTooLong: (days) => `${days} days at most per query; shorten the window`,
  },
  evidence: {
    title: 'Alarm attachments',
    waiting: 'The terminal has not uploaded this alarm’s files yet (asked to)',
    failed: 'The attachments could not be read',
    fileTypes: { '0': 'Picture', '1': 'Audio', '2': 'Video', '3': 'Text', '4': 'Other' },
  },
  video: {
    title: 'Video',
    channel: 'Channel',
    live: 'Live video',
    liveOf: (channel) => `Channel ${channel} live`,
    playbackOf: (channel, from) => `Channel ${channel} playback ${from}`,
    recordings: 'Recordings on the terminal',
    findRecordings: 'Find recordings',
    noRecordings: 'The terminal holds no recording in this window',
    play: 'Play back',
    pause: 'Pause',
    resume: 'Resume',
    connecting: 'Asking the terminal for its stream…',
    waiting: 'The terminal accepted; waiting for a key frame…',
    close: 'Close',
    soundOn: 'Sound',
    soundOff: 'Mute',
    soundLevel: 'Level',
    soundUnplayable: (codec) => `The sound is ${codec}, which the console cannot play`,
    ended: (reason) => `The video ended (${reason})`,
    endReasons: {
      no_viewers: 'Closed: nobody was watching',
      terminal_closed: 'The terminal stopped streaming',
      terminal_did_not_connect: 'The terminal did not connect to the media server',
      stream_stalled: "The terminal's stream stalled",
      stream_bandwidth: 'Closed: the stream exceeded the bandwidth of one stream',
      codec_unsupported: 'The terminal sends H.265 or another codec the browser cannot play',
      server_stopping: 'The server is stopping',
      ended_by_user: 'The playback ended',
      bad_ticket: 'The viewing ticket is no longer valid: open the video again',
      viewers_full: 'Too many viewers',
      unauthorized: 'The session ended: log in again',
      token_expired: 'The session expired: log in again',
    },
    browserFailed: (reason) => `The browser cannot play this: ${reason}`,
    notAllowed: 'Your role may not watch video',
  },
  errors: {
    network: 'Cannot reach the server; check the network and try again.',
    unauthenticated: 'Your session has ended; log in again.',
    badCredentials: 'Wrong user name or password.',
    throttled: 'Too many attempts; try again later.',
    forbidden: 'Your account may not do this.',
    outOfScope: 'That unit is outside your scope.',
    notFound: 'Not found, or outside your scope.',
    heldByOther: (who, at) => `${who} acknowledged this alarm at ${at}; only they may handle it further.`,
    badState: (state) => `It is ${state} now, so this step is not possible; the list has been refreshed.`,
    reasonRequired: 'Give a reason.',
    textRequired: 'Write something first.',
    alreadyClaimed: 'The enterprise already claimed this order.',
    notOverdue: (deadline) => `This order is not overdue yet (deadline ${deadline}).`,
    attachmentTooLarge: 'A file is too large: 512 KB at most.',
    tooManyAttachments: 'Too many files: 5 at most per step.',
    bodyTooLarge: 'Too much at once (the files are too large together); submit in several steps.',
    unknownDepartment: 'That unit has no such department.',
    unknownOrgUnit: 'No such unit.',
    unknownEnterprise: 'No such enterprise.',
    noChange: 'Choose another unit, department or enterprise to transfer to.',
    terminalOffline: 'The terminal is not connected; the command cannot be sent.',
    videoFull: 'The video streams or their bandwidth are at their bound: close another video and try again.',
    terminalRefused: 'The terminal refused the request.',
    channelBusy: 'This channel is playing a recording back: end that playback first.',
    terminalTimeout: 'The terminal did not answer in time; try again later.',
    terminalNotFound: 'No terminal is registered with that plate.',
    downlinkBusy: 'The terminal has not answered earlier commands yet; try again shortly.',
    badField: (field) => `Invalid input: ${field}`,
    windowTooLong: 'The time window is too long.',
    server: (status) => `Server error (${status}); try again later or call technical support.`,
    other: (reason) => `Not done (${reason}).`,
  },
  failed: (sentence) => sentence,
  refreshed: (clock) => `Updated ${clock}`,
  loading: 'Loading…',
};

export const CONSOLE_MESSAGES: Readonly<Record<Lang, ConsoleMessages>> = { zh: ZH, en: EN };

/** A name from a table, or the raw key when the table does not know it (a value added on the server later). */
export function named(table: Readonly<Record<string, string>>, key: string): string {
  return Object.hasOwn(table, key) ? table[key] : key;
}
