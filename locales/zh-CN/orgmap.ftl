# orgmap 的简体中文消息，按公文用语书写。每个键在 en/orgmap.ftl 中都有
# 对应（有测试检查）。代码、枚举值和名称作为参数传入，不翻译。

## 共用部分

# 有名称的对象（行政区划、类别、部门、条线）及其代码。
named = { $name }（{ $code }）
either-or = { $first }或{ $second }

## 错误：格式和通用错误

error-field = { $field }：{ $reason }
error-internal = 内部错误
error-concurrent-write = 另一条编码相同的记录已同时写入，请重试

## 取值：统一社会信用代码、行政区划代码、编码、名称、文本

credit-code-length = 统一社会信用代码应为 18 位，实为 { $count } 位
credit-code-character = 第 { $position } 位字符“{ $character }”不符合要求；统一社会信用代码由数字 0—9 和除 I、O、S、V、Z 以外的大写英文字母组成
credit-code-check = 校验码为“{ $given }”，按前 17 位计算应为“{ $expected }”
region-code-shape = “{ $code }”不是行政区划代码；省、市、县（市、区）级代码为 6 位数字，乡镇、街道级代码为 9 位数字
region-code-length = { $level }级代码应为 { $digits } 位，“{ $code }”为 { $given } 位
region-shape-province = 两位数字加 0000
region-shape-city = 四位数字加 00
region-shape-county = 末两位不为 00 的 6 位数字
region-shape-township = 末三位不为 000 的 9 位数字
region-code-level-shape = { $level }级代码应为{ $shape }，“{ $code }”不符合
region-needs-parent = { $level }应有上级行政区划（{ $parents }级）
region-province-has-no-parent = 省级行政区划没有上级
region-wrong-parent-level = { $level }的上级应为{ $parents }级，不能为{ $parent }级
region-code-prefix = “{ $code }”的前 { $digits } 位应与上级代码“{ $parent }”相同
region-no-level = 无
level-province = 省
level-city = 市
level-county = 县（市、区）
level-township = 乡镇
level-subdistrict = 街道
text-blank = 不能为空
text-too-long = 不能超过 { $max } 个字符，实为 { $given } 个
text-control-characters = 不能含有控制字符
code-character = 字符“{ $character }”不符合要求；编码只能由英文字母、数字和“_”“-”“.”组成
party-status-unknown = “{ $value }”不是 OWN、JOINT、NONE 之一
party-members-range = 应在 0 至 { $max } 之间，实为 { $given }
role-unknown = “{ $value }”不是有效角色，应为 viewer、editor 或 admin
region-level-unknown = “{ $value }”不是 PROVINCE、CITY、COUNTY、TOWNSHIP、SUBDISTRICT 之一
dataset-unknown = “{ $value }”不是 regions、departments、categories、rules、organizations、rectifications 之一
format-unknown = “{ $value }”不是 csv、jsonl 之一
contact-phone = 只能包含数字、空格和“+”“-”“（”“）”
contact-email = “{ $email }”不是有效的电子邮箱地址
contacts-too-many = 联系人不能超过 { $max } 名，实为 { $given } 名
contacts-not-json = 应为联系人的 JSON 列表，每项形如 {"{"}"name": …, "title": …, "phone": …, "email": …{"}"}
page-negative = 不能为负数
page-too-large = 不能超过 { $max }，实为 { $given }
page-bad-cursor = 不是本接口给出的游标

## 按代码查找

region-not-found = 未找到代码为“{ $code }”的行政区划
category-not-found = 未找到代码为“{ $code }”的组织类别
department-not-found = 未找到代码为“{ $code }”的部门
kind-not-found = 未找到代码为“{ $code }”的部门条线
token-not-found = 未找到名为“{ $name }”的令牌
download-not-found = 没有名为“{ $file }”的下载文件，可下载 /export/organizations.csv 或 /export/regions.jsonl 等

## 业务规则

region-moved = 行政区划 { $code } 已登记为{ $level }级，其层级和上级不能变更；按 GB/T 2260，区划调整后应使用新代码
credit-code-type-invalid = “{ $value }”不是统一社会信用代码的类型，类型应为两位字符（数字 0—9 或除 I、O、Z、S、V 以外的大写字母），如 51
metrics-need-unbound-token = 运行指标涵盖全部地区，须使用不限定地区的令牌访问
category-cycle = { $parent } 即 { $code } 本身或其下级类别，组织类别须保持树形结构
administering-not-above = { $admin } 既不是该组织所在行政区划 { $region }，也不是其上级行政区划
administering-stale = 已登记的管理层级不在新的所在行政区划 { $region } 之上，请一并填写 administeringRegionCode
department-kind-taken = 行政区划 { $region } 已有 { $kind } 条线的部门：{ $holder }；每个行政区划每个条线只设一个部门
fallback-taken = 行政区划 { $region } 已有兜底部门：{ $holder }；每个行政区划只能有一个兜底条线的部门
fallback-role-taken = 行政区划 { $region } 已有兜底部门：{ $holder }；将 { $kind } 设为兜底条线后，其部门 { $department } 将成为第二个兜底部门；每个行政区划只能有一个兜底条线的部门
token-name-taken = 名为“{ $name }”的令牌已存在；为使审计记录清楚无歧义，令牌吊销后其名称仍不能再用
demo-not-empty = 数据库中已有行政区划，演示数据只能写入空数据库
demo-kind-missing = 缺少部门条线 { $kind }，演示数据需要基础数据中的全部条线
demo-category-missing = 缺少组织类别 { $code }，演示数据需要基础数据中的全部类别

## 访问权限

auth-no-credentials = 本请求未携带身份凭据
auth-bad-header = Authorization 请求头应为“Bearer <令牌>”
auth-token-needed = 本服务需要 API 令牌，请发送“Authorization: Bearer <令牌>”
token-invalid = 令牌无效：令牌不存在或已吊销
forbidden-role = 此操作需要 { $role } 角色，令牌“{ $token }”为 { $has } 角色
forbidden-everywhere = { $what }属于全库数据，绑定行政区划的令牌不能修改
forbidden-outside-region = 超出令牌所绑定行政区划的范围
what-categories = 组织类别
what-kinds = 部门条线
what-provinces = 省级行政区划
what-global-rules = 全域适用的主管规则
what-unbound-tokens = 未绑定行政区划的令牌

## 导入和导出

import-row-error = 第 { $line } 行：{ $reason }
import-row-error-column = 第 { $line } 行，{ $column }：{ $reason }
import-outside-region = 超出令牌所绑定行政区划的范围
import-duplicate-key = 代码“{ $key }”重复：文件第 { $first } 行已有该代码
upload-unreadable = 无法读取上传的文件
export-csv-row = 有一行无法写为 CSV
cell-not-boolean = “{ $value }”不是 true 或 false
cell-not-integer = “{ $value }”不是整数
cell-not-text = 应为文本，不能是列表或对象
file-line-too-long = 有一行超过 { $max } 字节
file-record-too-long = 超过 { $max } 字节
file-unreadable = 无法按指定编码读取文件
file-bad-csv-record = 不是格式正确的 CSV 记录
file-not-utf8 = 该行不是有效的 UTF-8 文本；GB18030 或 GBK 编码的文件请指定编码 gb18030
file-header-twice = 表头中列“{ $column }”出现两次
file-header-unknown = 表头中的列“{ $column }”不存在，可用的列为 { $columns }
file-field-count = 有 { $given } 个字段，表头有 { $header } 个
file-not-json-object = 不是 JSON 对象
file-bad-json = 不是有效的 JSON（{ $detail }）
file-key-unknown = 不是本文件的列，可用的列为 { $columns }

## GraphQL 查询限制和 HTTP 请求的拒绝

limit-tokens = 查询超过 { $max } 个词法单元，超出本服务的上限
limit-aliases = 查询使用了 { $given } 个别名，最多允许 { $max } 个
limit-depth = 查询嵌套过深，最多允许 { $max } 层
limit-complexity = 查询过于复杂，复杂度最多为 { $max }
limit-errors-omitted = 另有 { $count } 个错误未列出
http-body-not-utf8 = 请求体应为 UTF-8 编码
http-multipart-preflight = multipart 请求须带有“GraphQL-Require-Preflight: 1”请求头
http-content-type = 请以“Content-Type: application/json”发送请求
http-query-string = 查询字符串格式不正确
http-parameter-object = “{ $name }”应为 JSON 对象
http-parameter-string = “{ $name }”应为字符串
http-no-query = 请求缺少“query”
http-mutation-over-get = 变更操作只能通过 POST 提交
http-timeout = 请求运行超过 { $seconds } 秒，已被终止，其中开始的写入均未生效
http-not-acceptable = 本接口只返回 application/json 或 application/graphql-response+json
http-body-too-large = 请求体超过 { $max } 字节
http-body-unreadable = 无法读取请求体
http-body-empty = 请求体为空，请发送 {"{"}"query": "…"{"}"}
http-body-not-json = 请求体不是有效的 JSON：{ $detail }
http-body-not-object = 请求体应为 JSON 对象
http-batch-empty = 批量请求为空
http-batch-too-large = 批量请求最多包含 { $max } 个操作
http-batch-too-many = 批量请求最多包含 { $max } 个操作，实为 { $given } 个
http-batch-item-not-object = 批量请求中的每个操作都应为 JSON 对象
http-multipart-operations = multipart 请求中的 operations 不是 GraphQL 请求
http-multipart-map = multipart 请求中的 map 无效
http-multipart-malformed = multipart 请求格式不正确

## 责任认定说明：逐步写明谁负责

basis-party-affiliation = 党组织关系隶属
basis-supervising-unit = 业务主管单位
basis-rule = 主管规则
basis-fallback = 乡镇（街道）兜底
basis-none = 无
explain-affiliation-decides = 一、党组织关系隶属：党组织关系隶属于{ $department }，据此确定。
explain-affiliation-none = 一、党组织关系隶属：未登记。
explain-supervising-none = 二、业务主管单位：未登记。
explain-supervising-decides = 二、业务主管单位：{ $department }，按“谁主管、谁负责”据此确定。
explain-supervising-same = 二、业务主管单位：{ $department }，与前述为同一部门，不构成多头管理。
explain-supervising-contests = 二、业务主管单位：{ $department }同时主张管理该组织，构成多头管理。
explain-rule-none = 三、主管规则：{ $place }没有适用于{ $category }及其上级类别的主管规则。
explain-scope-region = 适用于{ $region }及以下
explain-scope-everywhere = 全域适用
explain-not-inherited = {""}
explain-inherited = （{ $category }沿用）
explain-rule = 三、主管规则：{ $category }的主管规则{ $inherited }{ $scope }，是{ $place }适用的最具体规则，规定由{ $kind }主管。
explain-administering-region = 管理层级
explain-own-region = 所在行政区划
explain-rule-missing-department = {"　　"}{ $admin_word }{ $admin }及以上各级均未设{ $kind_name }，属缺失部门，该规则不能确定责任部门。
explain-rule-department-decides = {"　　"}{ $admin_word }{ $admin }或最近的上级行政区划的{ $kind_name }为{ $department }，据此确定。
explain-rule-department-same = {"　　"}{ $admin }或以上的{ $kind_name }为{ $department }，与前述为同一部门，不构成多头管理。
explain-rule-department-contests = {"　　"}{ $admin }或以上的{ $kind_name }为{ $department }，同时主张管理该组织，构成多头管理。
explain-fallback-decides = 四、乡镇（街道）兜底：由{ $place }的{ $department }兜底。
explain-fallback-none = 四、乡镇（街道）兜底：{ $place }没有兜底条线的部门。
explain-fallback-not-township = 四、乡镇（街道）兜底：该组织位于{ $place }，不在乡镇（街道），无兜底部门。
explain-result-nobody = 结论：无责任部门，属盲区。
explain-result = 结论：由{ $department }负责（依据：{ $basis }）。

## 缺口说明

list-more = { $all }、{ $next }
list-empty = 无
dedication-unit = 专门组织
dedication-staff = 专门人员
dedication-method = 专门办法
gap-unassigned = 位于{ $region }的{ $organization }无责任部门：未登记党组织关系隶属和业务主管单位，无主管规则确定的部门，也无乡镇（街道）兜底，属盲区。
gap-fallback-only = 位于{ $region }的{ $organization }仅由乡镇（街道）兜底部门{ $department }兜底，无主管条线部门负责。
gap-should-establish = 位于{ $region }的{ $organization }有党员 { $count } 名，{ $status ->
    [joint] 仅建有联合党组织
   *[none] 未建立党组织
}；按照党章规定，正式党员三人以上的应当成立党的基层组织，属应建未建。
gap-category-mismatch = 位于{ $region }的{ $organization }统一社会信用代码类型为 { $code_type }，不在{ $category }可用的代码类型（{ $types_listed }）之列，属类别与代码不符。
gap-contested = 位于{ $region }的{ $organization }有 { $count } 个部门主张管理，构成多头管理，现由{ $department }负责。
gap-missing-department = 管理层级为{ $region }的{ $category } { $count } 个，适用规定由{ $kind_name }（{ $kind_code }）主管的规则，但{ $region }及以上各级均未设{ $kind_name }。
gap-unruled-category = { $region }有{ $category } { $count } 个，该类别及其上级类别在当地均无适用的主管规则。
gap-incomplete-dedication = { $department }负责 { $count } 个组织，但{ $lacks }不全。

## 命令行

cli-import-more-bad-rows = ……另有 { $count } 行有误
cli-import-imported = 已导入
cli-import-checked = 已校验（试运行，未写入）
cli-import-refused = 已拒绝（未写入）
cli-import-summary = { $entity }：{ $outcome }，共 { $rows } 行，新增 { $created } 行，更新 { $updated } 行，未变 { $unchanged } 行，拒绝 { $rejected } 行；责任认定变化 { $changed } 个（用时 { $seconds } 秒）
cli-import-bad-rows = { $count } 行有误，未写入任何数据
cli-token-created = 已创建令牌“{ $name }”（{ $role }）；以下为令牌密钥，仅显示这一次：
cli-token-created-in-region = 已创建令牌“{ $name }”（{ $role }，行政区划 { $region }）；以下为令牌密钥，仅显示这一次：
cli-token-revoked = 已吊销令牌“{ $name }”
cli-token-already-revoked = 令牌“{ $name }”此前已吊销

## 备份
backup-exists = { $path } 已存在，未作覆盖；如需覆盖，请加 --force 参数
backup-cannot-open = 无法打开数据库
backup-empty = 数据库为空或不存在，未生成备份
backup-cannot-read = 无法读取数据库
backup-unsupported = 此数据库不支持该备份方式
backup-failed = 备份失败
backup-written = 备份已写入 { $path }
backup-pg-dump-failed = pg_dump 执行失败（{ $status }），未生成备份
backup-pg-dump-missing-advice = 未找到 pg_dump（PostgreSQL 客户端工具）。请在可连接数据库的机器上执行：
    { "  " }pg_dump --format=custom --file { $path } --dbname '{ $url }'
    （口令可通过 PGPASSWORD 环境变量提供）
backup-pg-dump-missing = 未找到 pg_dump，未生成备份
backup-pg-dump-cannot-run = 无法运行 pg_dump
cannot-write-file = 无法写入 { $path }
cannot-remove-file = 无法删除 { $path }

## 覆盖情况报表
report-sheet-summary = 汇总
report-sheet-matrix = 类别×部门条线
report-sheet-gaps = 问题清单
report-col-region-code = 区划代码
report-col-region-name = 区划名称
report-col-level = 层级
report-col-organizations = 组织数
report-col-rule = 主管规则
report-col-unassigned = 无人负责
report-col-responsibility-rate = 责任落实率
report-col-fallback-share = 兜底占比
report-col-organizational-coverage = 党的组织覆盖率
report-col-work-coverage = 党的工作覆盖率
report-col-gap-kind = 缺口类型
report-col-detail = 说明
report-col-category = 组织类别
report-col-department = 部门
report-col-department-kind = 部门条线
report-col-credit-code = 统一社会信用代码
report-col-organization-name = 组织名称
report-col-category-code = 类别代码
report-col-category-name = 类别名称
report-col-total = 合计
report-gaps-cut = 共 { $total } 条缺口，此处列出前 { $shown } 条
gap-kind-unassigned = 无人负责（盲区）
gap-kind-fallback-only = 仅乡镇（街道）兜底
gap-kind-missing-department = 缺少主管部门
gap-kind-unruled-category = 无主管规则的类别
gap-kind-contested = 多头管理
gap-kind-incomplete-dedication = 专门组织、专门人员、专门办法不全
gap-kind-should-establish = 应建未建
gap-kind-category-mismatch = 类别与代码不符

## 整改台账（rectification ledger）
what-milestones = 整改节点
milestone-not-found = 未找到代码为“{ $code }”的整改节点
milestone-code-invalid = 整改节点代码不能为空、不能含空格，且不超过 50 个字符
rectification-not-found = 未找到编号为 { $id } 的整改事项
ledger-date-invalid = “{ $value }”不是有效日期，应为“年-月-日”格式，如 2026-11-30
ledger-due-date-required = 请指定整改期限或整改节点
ledger-note-too-long = 备注不能超过 { $max } 个字符
ledger-update-empty = 未指定要变更的状态、备注、责任部门或整改期限
ledger-transition-refused = 整改事项不能由 { $from } 变更为 { $to }：状态只能依次推进（OPEN、IN_PROGRESS、RESOLVED、VERIFIED），验收须在整改完成之后
ledger-verified-fixed = 整改事项已验收，不能再变更责任部门或整改期限
ledger-gap-still-open = 该问题在现有数据中仍然存在，不能标记为整改完成
ledger-verify-forbidden = 整改事项须由责任部门的上一级验收，令牌所绑定的行政区划不包含责任部门所在地区的上级
rectification-id-invalid = 整改事项编号应为数字
dataset-not-importable = “{ $value }”只能导出，不能导入：整改事项须通过接口立项和推进
report-sheet-ledger = 整改台账
report-col-gap-key = 问题标识
report-col-owner = 责任部门
report-col-milestone = 整改节点
report-col-due-date = 整改期限
report-col-status = 整改状态
report-col-overdue = 是否逾期
report-col-gap-open = 问题是否仍存在
report-yes = 是
report-no = 否
ledger-status-open = 待整改
ledger-status-in-progress = 整改中
ledger-status-resolved = 已整改
ledger-status-verified = 已验收
## Time: responsibility history, coverage snapshots, pruning (issue 19)
history-time-malformed = 时间“{ $given }”格式不正确，应为 RFC 3339 时间或 YYYY-MM-DD 日期
what-snapshots = 覆盖情况快照
snapshot-taken = 已记录 { $regions } 个区划的覆盖情况快照
prune-done = 已清理 { $before } 之前的覆盖情况快照记录 { $snapshots } 条、已结束的责任期间 { $periods } 条；当前责任期间均予保留
report-sheet-compare = 前后对比
report-compare-at = { $figure }（{ $date }）
report-compare-change = { $figure }增减
report-compare-taken = { $date }：数据取自 { $at } 的覆盖情况快照
report-compare-none = { $date }：当日结束前没有覆盖情况快照，该日数据空缺
