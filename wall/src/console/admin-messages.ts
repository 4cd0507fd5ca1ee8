/** The administration page's words (系统管理: users, source keys, audit log), zh-CN first, English second. */
import type { Lang } from '../i18n/locale.js';

export interface AdminMessages {
  tab: string;
  sections: { users: string; keys: string; audit: string };
  // Users
  usersTitle: string;
  anyRole: string;
  anyUnit: string;
  searchPlaceholder: string;
  newUser: string;
  usersCount: (shown: number, total: number) => string;
  noUsers: string;
  userColumns: {
    username: string;
    displayName: string;
    role: string;
    unit: string;
    enterprise: string;
    state: string;
    createdBy: string;
    createdAt: string;
    actions: string;
  };
  active: string;
  disabled: string;
  lockedUntil: (at: string) => string;
  startUp: string;
  self: string;
  disable: string;
  enable: string;
  unlock: string;
  resetPassword: string;
  revokeSessions: string;
  createTitle: string;
  fields: {
    username: string;
    displayName: string;
    role: string;
    unit: string;
    enterprise: string;
    password: string;
    newPassword: string;
  };
  usernameHint: string;
  passwordHint: string;
  chooseEnterprise: string;
  noEnterprise: string;
  create: string;
  cancel: string;
  confirm: string;
  close: string;
  confirmDisable: (who: string) => string;
  confirmEnable: (who: string) => string;
  confirmUnlock: (who: string) => string;
  confirmReset: (who: string) => string;
  confirmRevoke: (who: string) => string;
  created: (who: string) => string;
  disabledDone: (who: string) => string;
  enabledDone: (who: string) => string;
  unlockedDone: (who: string, counts: number) => string;
  resetDone: (who: string, sessions: number) => string;
  revokedDone: (who: string, sessions: number) => string;
  refusals: Readonly<Record<string, string>>;
  // Source keys
  keysTitle: string;
  keysIntro: string;
  keysProvinceOnly: string;
  newKey: string;
  keyName: string;
  keyNamePlaceholder: string;
  kind: string;
  issue: string;
  kinds: Readonly<Record<string, string>>;
  secretTitle: string;
  secretWarning: string;
  secretUse: (kind: string) => string;
  copy: string;
  copied: string;
  copyFailed: string;
  secretSaved: string;
  keyColumns: {
    id: string;
    name: string;
    kind: string;
    unit: string;
    createdAt: string;
    lastUsed: string;
    usage: string;
    state: string;
    actions: string;
  };
  usageText: (requests: number, records: number) => string;
  neverUsed: string;
  keyActive: string;
  keyRevoked: (at: string) => string;
  revoke: string;
  confirmRevokeKey: (name: string, id: number) => string;
  keyRevokedDone: (name: string, id: number) => string;
  noKeys: string;
  // Audit
  auditTitle: string;
  actor: string;
  actorPlaceholder: string;
  action: string;
  anyAction: string;
  since: string;
  until: string;
  apply: string;
  clear: string;
  auditColumns: { at: string; actor: string; action: string; target: string; detail: string; peer: string };
  actionNames: Readonly<Record<string, string>>;
  newer: string;
  older: string;
  newest: string;
  pageText: (page: number, rows: number) => string;
  /** A work order's step in the log, by the console's name of the step. */
  orderStep: (step: string) => string;
  noEntries: string;
  system: string;
}

const ZH_KINDS: Record<string, string> = {
  anpr: '卡口过车',
  wim: '治超称重',
  gantry: '门架',
  toll: '收费站',
  device_status: '设备状态',
  registry: '车辆档案',
  traffic_count: '交调流量',
  rail_flow: '轨道客流',
  ais: '船舶 AIS',
  gtfs_rt: '公交实时',
  gtfs_static: '公交线路',
  taxi_position: '出租车定位',
  taxi_order: '网约车订单',
  taxi_permit: '网约车许可',
  market_registration: '市场主体登记',
};

const EN_KINDS: Record<string, string> = {
  anpr: 'ANPR checkpoint',
  wim: 'Weigh-in-motion',
  gantry: 'Toll gantry',
  toll: 'Toll station',
  device_status: 'Device status',
  registry: 'Vehicle registry',
  traffic_count: 'Traffic count',
  rail_flow: 'Rail ridership',
  ais: 'Vessel AIS',
  gtfs_rt: 'Bus real time',
  gtfs_static: 'Bus routes',
  taxi_position: 'Taxi position',
  taxi_order: 'Ride-hailing order',
  taxi_permit: 'Ride-hailing permit',
  market_registration: 'Business registration',
};

export const ADMIN_MESSAGES: Record<Lang, AdminMessages> = {
  zh: {
    tab: '系统管理',
    sections: { users: '用户', keys: '数据源密钥', audit: '审计日志' },
    usersTitle: '本级及下级用户',
    anyRole: '全部角色',
    anyUnit: '全部单位',
    searchPlaceholder: '用户名或姓名',
    newUser: '新建用户',
    usersCount: (shown, total) => `显示 ${shown} / 共 ${total} 个用户`,
    noUsers: '没有符合条件的用户。',
    userColumns: {
      username: '用户名',
      displayName: '姓名',
      role: '角色',
      unit: '单位',
      enterprise: '企业',
      state: '状态',
      createdBy: '创建人',
      createdAt: '创建时间',
      actions: '操作',
    },
    active: '正常',
    disabled: '已停用',
    lockedUntil: (at) => `登录锁定至 ${at}`,
    startUp: '系统初始化',
    self: '（本人）',
    disable: '停用',
    enable: '启用',
    unlock: '解锁',
    resetPassword: '重置密码',
    revokeSessions: '注销会话',
    createTitle: '新建用户',
    fields: {
      username: '用户名',
      displayName: '姓名',
      role: '角色',
      unit: '所属单位',
      enterprise: '所属企业',
      password: '初始密码',
      newPassword: '新密码',
    },
    usernameHint: '3–64 个字符：字母、数字及 _ . @ -',
    passwordHint: '密码须足够长（默认至少 12 个字符），不能含用户名，不能是常见或易猜的密码；由服务器按密码策略检查。',
    chooseEnterprise: '请选择企业',
    noEnterprise: '本辖区尚无登记的企业',
    create: '创建',
    cancel: '取消',
    confirm: '确定',
    close: '关闭',
    confirmDisable: (who) => `停用用户「${who}」？停用后其所有会话立即注销，不能再登录，直到重新启用。`,
    confirmEnable: (who) => `启用用户「${who}」？启用后可以再次登录。`,
    confirmUnlock: (who) => `解除用户「${who}」的登录锁定（清除其失败登录计数）？`,
    confirmReset: (who) => `为用户「${who}」设置新密码。其所有会话将被注销，需用新密码重新登录。`,
    confirmRevoke: (who) => `注销用户「${who}」的全部会话？其需要重新登录。`,
    created: (who) => `已创建用户「${who}」。`,
    disabledDone: (who) => `已停用用户「${who}」，其会话已注销。`,
    enabledDone: (who) => `已启用用户「${who}」。`,
    unlockedDone: (who, counts) => `已解锁用户「${who}」（清除 ${counts} 条失败计数）。`,
    resetDone: (who, sessions) => `已重置用户「${who}」的密码，注销了 ${sessions} 个会话。`,
    revokedDone: (who, sessions) => `已注销用户「${who}」的 ${sessions} 个会话。`,
    refusals: {
      username_taken: '该用户名已被使用，请换一个。',
      enterprise_required: '企业账号必须选择所属企业。',
      own_account: '不能停用自己的账号，请由其他管理员操作。',
      use_password_change: '自己的密码请用“修改密码”更改，不能在此重置。',
      unknown_enterprise: '该企业不存在。',
    },
    keysTitle: '数据源密钥',
    keysIntro:
      '每个密钥绑定一种数据类型和一个单位：数据源用它向 /api/ingest/<类型> 推送数据，只能送入该单位辖区的记录。',
    keysProvinceOnly: '数据源密钥由省级管理员统一分配。',
    newKey: '签发新密钥',
    keyName: '数据源名称',
    keyNamePlaceholder: '如：郑州绕城卡口系统',
    kind: '数据类型',
    issue: '签发',
    kinds: ZH_KINDS,
    secretTitle: '新密钥（只显示这一次）',
    secretWarning:
      '请立即复制并交给数据源保存。密钥只在此显示一次，服务器只保存其摘要，关闭后无法再次查看；遗失只能撤销后重新签发。',
    secretUse: (kind) => `用法：POST /api/ingest/${kind}，请求头 Authorization: Bearer <密钥>`,
    copy: '复制',
    copied: '已复制到剪贴板。',
    copyFailed: '无法写入剪贴板，请手动选中复制。',
    secretSaved: '我已保存，关闭',
    keyColumns: {
      id: '编号',
      name: '名称',
      kind: '数据类型',
      unit: '单位',
      createdAt: '签发时间',
      lastUsed: '最近使用',
      usage: '用量',
      state: '状态',
      actions: '操作',
    },
    usageText: (requests, records) => `${requests} 次请求 · ${records} 条记录`,
    neverUsed: '从未使用',
    keyActive: '有效',
    keyRevoked: (at) => `已撤销（${at}）`,
    revoke: '撤销',
    confirmRevokeKey: (name, id) =>
      `撤销密钥 #${id}「${name}」？撤销后使用该密钥的推送立即被拒绝（其他节点最多在十秒内生效），不可恢复。`,
    keyRevokedDone: (name, id) => `已撤销密钥 #${id}「${name}」。`,
    noKeys: '尚未签发数据源密钥。',
    auditTitle: '审计日志',
    actor: '操作人',
    actorPlaceholder: '用户名，或 system',
    action: '操作',
    anyAction: '全部操作',
    since: '起',
    until: '止',
    apply: '查询',
    clear: '清除条件',
    auditColumns: { at: '时间', actor: '操作人', action: '操作', target: '对象', detail: '详情', peer: '来源地址' },
    actionNames: {
      'user.create': '创建用户',
      'user.disable': '停用用户',
      'user.enable': '启用用户',
      'auth.login': '登录',
      'auth.logout': '退出',
      'auth.login_failed': '登录失败',
      'auth.lockout': '登录锁定',
      'auth.unlock': '解除锁定',
      'auth.password_reset': '重置密码',
      'auth.password_change': '修改密码',
      'session.revoke': '注销会话',
      'session.revoke_all': '注销全部会话',
      'source_key.issue': '签发数据源密钥',
      'source_key.revoke': '撤销数据源密钥',
      'org_unit.create': '新增单位',
      'department.create': '新增部门',
      'enterprise.create': '登记企业',
      'enterprise.vehicle_add': '企业绑定车辆',
      'config.update': '修改配置',
      'alarm.acknowledged': '签收报警',
      'alarm.dispatched': '报警派单',
      'alarm.dismissed': '排除报警',
      'alarm.route': '报警分派',
      'alarm.escalate': '报警升级',
      'alarm.closed': '关闭报警',
      'work_order.issue': '发布工单',
      'work_order.overdue_escalate': '工单超期升级',
      'terminal.command': '终端指令',
      'jt809_platform.create': '接入下级平台',
      'jt809_platform.disable': '停用下级平台',
      'duty.sign_in': '值班签到',
      'duty.shift_create': '排班',
      'duty.handover': '交班',
      'duty.handover_acknowledge': '接班确认',
      'duty.inspection_send': '发起查岗',
      'duty.inspection_answer': '应答查岗',
    },
    newer: '‹ 较新',
    older: '较早 ›',
    newest: '最新',
    pageText: (page, rows) => `第 ${page} 页 · ${rows} 条`,
    orderStep: (step) => `工单：${step}`,
    noEntries: '没有符合条件的审计记录。',
    system: '系统',
  },
  en: {
    tab: 'Administration',
    sections: { users: 'Users', keys: 'Source keys', audit: 'Audit log' },
    usersTitle: 'Users of this unit and below',
    anyRole: 'Any role',
    anyUnit: 'Any unit',
    searchPlaceholder: 'User name or name',
    newUser: 'New user',
    usersCount: (shown, total) => `${shown} of ${total} users shown`,
    noUsers: 'No user matches.',
    userColumns: {
      username: 'User name',
      displayName: 'Name',
      role: 'Role',
      unit: 'Unit',
      enterprise: 'Enterprise',
      state: 'State',
      createdBy: 'Created by',
      createdAt: 'Created',
      actions: 'Actions',
    },
    active: 'Active',
    disabled: 'Disabled',
    lockedUntil: (at) => `Login locked until ${at}`,
    startUp: 'start-up',
    self: ' (you)',
    disable: 'Disable',
    enable: 'Enable',
    unlock: 'Unlock',
    resetPassword: 'Reset password',
    revokeSessions: 'Revoke sessions',
    createTitle: 'New user',
    fields: {
      username: 'User name',
      displayName: 'Name',
      role: 'Role',
      unit: 'Unit',
      enterprise: 'Enterprise',
      password: 'Initial password',
      newPassword: 'New password',
    },
    usernameHint: '3–64 characters: letters, digits and _ . @ -',
    passwordHint:
      'Long enough (12 characters or more by default), without the user name, not common or easy to guess: the server checks it against the password policy.',
    chooseEnterprise: 'Choose the enterprise',
    noEnterprise: 'No enterprise is registered in this area',
    create: 'Create',
    cancel: 'Cancel',
    confirm: 'Confirm',
    close: 'Close',
    confirmDisable: (who) =>
      `Disable ${who}? Every session of the account ends at once and it cannot log in until enabled again.`,
    confirmEnable: (who) => `Enable ${who}? The account can log in again.`,
    confirmUnlock: (who) => `Lift the login lock of ${who} (clearing its failed-login counts)?`,
    confirmReset: (who) => `Set a new password for ${who}. Every session of the account ends; it logs in anew.`,
    confirmRevoke: (who) => `End every session of ${who}? The account must log in again.`,
    created: (who) => `Created ${who}.`,
    disabledDone: (who) => `Disabled ${who}; its sessions ended.`,
    enabledDone: (who) => `Enabled ${who}.`,
    unlockedDone: (who, counts) => `Unlocked ${who} (${counts} failed-login counts cleared).`,
    resetDone: (who, sessions) => `Reset the password of ${who}; ${sessions} sessions ended.`,
    revokedDone: (who, sessions) => `Ended ${sessions} sessions of ${who}.`,
    refusals: {
      username_taken: 'This user name is taken; choose another.',
      enterprise_required: 'An enterprise account needs its enterprise.',
      own_account: 'You cannot disable your own account; another admin does.',
      use_password_change: 'Change your own password with “Change password”, not here.',
      unknown_enterprise: 'This enterprise does not exist.',
    },
    keysTitle: 'Source keys',
    keysIntro:
      'Each key is bound to one data kind and one unit: the source sends with it to /api/ingest/<kind>, records of that unit’s area only.',
    keysProvinceOnly: 'Source keys are allocated by the province’s administrators.',
    newKey: 'Issue a key',
    keyName: 'Source name',
    keyNamePlaceholder: 'e.g. Zhengzhou ring road ANPR',
    kind: 'Data kind',
    issue: 'Issue',
    kinds: EN_KINDS,
    secretTitle: 'New key (shown only once)',
    secretWarning:
      'Copy it now and hand it to the source. It is shown only here, once: the server keeps only its digest and cannot show it again. A lost key is revoked and a new one issued.',
    secretUse: (kind) => `Use: POST /api/ingest/${kind} with the header Authorization: Bearer <key>`,
    copy: 'Copy',
    copied: 'Copied to the clipboard.',
    copyFailed: 'Could not write to the clipboard; select the key and copy it.',
    secretSaved: 'I have stored it, close',
    keyColumns: {
      id: 'Id',
      name: 'Name',
      kind: 'Kind',
      unit: 'Unit',
      createdAt: 'Issued',
      lastUsed: 'Last used',
      usage: 'Usage',
      state: 'State',
      actions: 'Actions',
    },
    usageText: (requests, records) => `${requests} requests · ${records} records`,
    neverUsed: 'never',
    keyActive: 'Active',
    keyRevoked: (at) => `Revoked (${at})`,
    revoke: 'Revoke',
    confirmRevokeKey: (name, id) =>
      `Revoke key #${id} “${name}”? Sends with it are refused at once (on other nodes within ten seconds); this cannot be undone.`,
    keyRevokedDone: (name, id) => `Revoked key #${id} “${name}”.`,
    noKeys: 'No source key has been issued.',
    auditTitle: 'Audit log',
    actor: 'Actor',
    actorPlaceholder: 'user name, or system',
    action: 'Action',
    anyAction: 'Any action',
    since: 'From',
    until: 'To',
    apply: 'Search',
    clear: 'Clear',
    auditColumns: { at: 'Time', actor: 'Actor', action: 'Action', target: 'Target', detail: 'Detail', peer: 'Address' },
    actionNames: {
      'user.create': 'Create user',
      'user.disable': 'Disable user',
      'user.enable': 'Enable user',
      'auth.login': 'Log in',
      'auth.logout': 'Log out',
      'auth.login_failed': 'Failed login',
      'auth.lockout': 'Login locked',
      'auth.unlock': 'Unlock',
      'auth.password_reset': 'Reset password',
      'auth.password_change': 'Change password',
      'session.revoke': 'Revoke session',
      'session.revoke_all': 'Revoke all sessions',
      'source_key.issue': 'Issue source key',
      'source_key.revoke': 'Revoke source key',
      'org_unit.create': 'Add unit',
      'department.create': 'Add department',
      'enterprise.create': 'Register enterprise',
      'enterprise.vehicle_add': 'Bind vehicle',
      'config.update': 'Change configuration',
      'alarm.acknowledged': 'Acknowledge alarm',
      'alarm.dispatched': 'Dispatch alarm',
      'alarm.dismissed': 'Dismiss alarm',
      'alarm.route': 'Route alarm',
      'alarm.escalate': 'Escalate alarm',
      'alarm.closed': 'Close alarm',
      'work_order.issue': 'Issue work order',
      'work_order.overdue_escalate': 'Overdue order escalated',
      'terminal.command': 'Terminal command',
      'jt809_platform.create': 'Connect lower platform',
      'jt809_platform.disable': 'Disable lower platform',
      'duty.sign_in': 'Duty sign-in',
      'duty.shift_create': 'Plan shift',
      'duty.handover': 'Hand over',
      'duty.handover_acknowledge': 'Take over',
      'duty.inspection_send': 'Send inspection',
      'duty.inspection_answer': 'Answer inspection',
    },
    newer: '‹ Newer',
    older: 'Older ›',
    newest: 'Newest',
    pageText: (page, rows) => `Page ${page} · ${rows} entries`,
    orderStep: (step) => `Work order: ${step}`,
    noEntries: 'No audit entry matches.',
    system: 'system',
  },
};
