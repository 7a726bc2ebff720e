-- Chinese descriptions of the warehouse's tables, views and main columns, for DBeaver and
-- `SELECT * FROM duckdb_columns()`. Executed after the tables and views exist.

COMMENT ON TABLE agencies IS '发布年度报告的机关（一行一个机关）；同一机关名称写法不同（简称、繁体、办事处/街道等）仍为一个机关，agency_id 跨年份稳定';
COMMENT ON COLUMN agencies.agency_id IS '机关标识：canonical_key 的 sha1 前 12 位（名称缺失时由文件哈希派生）';
COMMENT ON COLUMN agencies.name IS '机关名称（最新一份报告所载写法，规范化：全角转半角、去空白、繁转简；人工别名文件映射来的写法不作名称）';
COMMENT ON COLUMN agencies.province IS '所在省（自治区、直辖市），未知为空';
COMMENT ON COLUMN agencies.city IS '所在市（州），未知为空';
COMMENT ON COLUMN agencies.county IS '所在县（市、区），未知为空';
COMMENT ON COLUMN agencies.town IS '所在乡镇（街道），未知为空';
COMMENT ON COLUMN agencies.level IS '层级：town 乡镇 / street 街道 / county 县级 / city 市级 / province 省级 / department 部门 / unknown 未知';
COMMENT ON COLUMN agencies.adcode IS '所在（或所属）行政区划的 6 位代码（县级或市级，取已知最细一级，来自 cpca 行政区划表），未知为空';
COMMENT ON COLUMN agencies.canonical_key IS '规范键：“区划代码:主体名称”（如 510421:丙谷镇、510421:人民政府、510421:教育局），去除地名前缀、统一后缀后得出；无区划时冒号前为空';

COMMENT ON TABLE agency_aliases IS '机关名称的每种写法（报告原文 × 规则得出的规范键）及其归属机关；how = file 表示由人工别名文件 data/agencies/aliases.csv 合并';
COMMENT ON COLUMN agency_aliases.alias IS '报告所载机关名称（原文写法）';
COMMENT ON COLUMN agency_aliases.normalized IS '规范化写法（全角转半角、去空白、繁转简）';
COMMENT ON COLUMN agency_aliases.agency_id IS '归属机关，关联 agencies.agency_id';
COMMENT ON COLUMN agency_aliases.derived_key IS '按命名规则由该写法（结合报告地区）得出的规范键；how = file 时机关的规范键见 agencies.canonical_key';
COMMENT ON COLUMN agency_aliases.how IS 'derived 按命名规则归并 / file 按人工别名文件归并';
COMMENT ON COLUMN agency_aliases.note IS '别名文件中的说明（how = file 时）';
COMMENT ON COLUMN agency_aliases.first_year IS '该写法最早出现的报告年度';
COMMENT ON COLUMN agency_aliases.last_year IS '该写法最近出现的报告年度';
COMMENT ON COLUMN agency_aliases.n_reports IS '使用该写法的报告份数';

COMMENT ON TABLE reports IS '作为年度报告读取的文件（一行一个文件）；同一机关同一年度有多份时以 is_current 为准';
COMMENT ON COLUMN reports.report_id IS '报告标识：文件 sha256 前 16 位';
COMMENT ON COLUMN reports.agency_id IS '发布机关，关联 agencies.agency_id';
COMMENT ON COLUMN reports.agency_name IS '报告所载机关名称（原文）';
COMMENT ON COLUMN reports.year IS '报告所涉年度（如 2025 年 1 月发布的报告为 2024）';
COMMENT ON COLUMN reports.template IS '表格格式：2021（国办公开办函〔2021〕30号）或 2019（国办公开办函〔2019〕60号）';
COMMENT ON COLUMN reports.published_on IS '落款日期，未知为空';
COMMENT ON COLUMN reports.status IS '解析状态：ok 完整 / incomplete 不完整（表格缺失或文本中断；元数据与叙述数字照常读取）';
COMMENT ON COLUMN reports.coverage IS '表格覆盖率：模板单元格中读到数字或印明空白的比例（0–1）；旧格式（无模板）为空';
COMMENT ON COLUMN reports.source_path IS '源文件路径';
COMMENT ON COLUMN reports.sha256 IS '源文件内容的 SHA-256 哈希，用于追溯与增量处理';
COMMENT ON COLUMN reports.source_format IS '源文件格式（pdf、txt、md、html、docx 等）';
COMMENT ON COLUMN reports.parser_version IS '生成该记录的解析器版本';
COMMENT ON COLUMN reports.is_current IS '是否为该机关该年度应使用的报告（版本号最大者：落款日期最晚，其次文件时间最晚）';
COMMENT ON COLUMN reports.version IS '同一机关同一年度的第几版（按落款日期、文件时间、路径排序，1 为最早）；更正后重新发布的报告为新版本';
COMMENT ON COLUMN reports.source_mtime IS '源文件修改时间（UTC），落款日期相同时用于确定最新版本';
COMMENT ON COLUMN reports.province IS '报告所载所在省（机关的地区见 agencies）';
COMMENT ON COLUMN reports.page_requests IS '依申请公开情况表起始页码，未知为空';

COMMENT ON TABLE request_cells IS '收到和处理政府信息公开申请情况（第三部分）：报告 × 办理结果行 × 申请人列，一格一行；报告未给出的格为空，不以 0 代替';
COMMENT ON COLUMN request_cells.row_key IS '行键（如 new_received 本年新收申请数量、granted 予以公开），中文见 dictionary';
COMMENT ON COLUMN request_cells.column_key IS '列键：natural_person 自然人、commercial 商业企业、research 科研机构、social_welfare 社会公益组织、legal_service 法律服务机构、other_org 其他、total 总计';
COMMENT ON COLUMN request_cells.value IS '报告所载数值；报告未给出时为空';
COMMENT ON COLUMN request_cells.derived IS '是否可由同表其他格推算出该格的值（推算值见 derived_value）';
COMMENT ON COLUMN request_cells.derived_value IS '推算值（如由六类申请人之和推算总计），仅供参考，不改动原文数值';
COMMENT ON COLUMN request_cells.method IS '该格数值的读取方式：grid 按单元格位置（PDF/网页/Word 表格）、delimited 分隔齐全的文本行、solved 由表内勾稽关系唯一拆分粘连数字、template_order 仅按模板行列顺序放置（确定性最低）、ocr 经文字识别、derived 推算（见 derived_value）；未给出数值时为空';
COMMENT ON COLUMN request_cells.page IS '该格所在页码（可知时）；未给出数值时为空';

COMMENT ON TABLE article20_cells IS '主动公开政府信息情况（第二部分，第二十条第（一）项）：报告 × 事项 × 指标';
COMMENT ON COLUMN article20_cells.item_key IS '事项键（如 regulations 规章、administrative_licensing 行政许可）';
COMMENT ON COLUMN article20_cells.measure_key IS '指标键（如 issued 本年制发件数、decisions 本年处理决定数量）';
COMMENT ON COLUMN article20_cells.value IS '报告所载数值（收费金额可为小数；2019 格式“本年增/减”可为负）';
COMMENT ON COLUMN article20_cells.unit IS '计量单位（如 万元、元），件数类为空';
COMMENT ON COLUMN article20_cells.method IS '该格数值的读取方式：grid 按单元格位置（PDF/网页/Word 表格）、delimited 分隔齐全的文本行、solved 由表内勾稽关系唯一拆分粘连数字、template_order 仅按模板行列顺序放置（确定性最低）、ocr 经文字识别、derived 推算（见 derived_value）；未给出数值时为空';
COMMENT ON COLUMN article20_cells.page IS '该格所在页码（可知时）；未给出数值时为空';

COMMENT ON TABLE review_litigation_cells IS '政府信息公开行政复议、行政诉讼情况（第四部分）：报告 × 类别 × 结果';
COMMENT ON COLUMN review_litigation_cells.proceeding_key IS 'review 行政复议 / litigation_direct 未经复议直接起诉 / litigation_after_review 复议后起诉';
COMMENT ON COLUMN review_litigation_cells.result_key IS 'upheld 结果维持 / corrected 结果纠正 / other 其他结果 / pending 尚未审结 / total 总计';
COMMENT ON COLUMN review_litigation_cells.method IS '该格数值的读取方式：grid 按单元格位置（PDF/网页/Word 表格）、delimited 分隔齐全的文本行、solved 由表内勾稽关系唯一拆分粘连数字、template_order 仅按模板行列顺序放置（确定性最低）、ocr 经文字识别、derived 推算（见 derived_value）；未给出数值时为空';
COMMENT ON COLUMN review_litigation_cells.page IS '该格所在页码（可知时）；未给出数值时为空';

COMMENT ON TABLE active_disclosure IS '总体情况中所述主动公开信息条数：报告 × 类别，另有 category = total 的合计行';
COMMENT ON COLUMN active_disclosure.category IS '信息类别（如 工作动态、通知公告），total 为合计';
COMMENT ON COLUMN active_disclosure.count IS '条数；报告未给出时为空';

COMMENT ON TABLE check_results IS '格式自身规定的勾稽关系校验结果：报告 × 规则（× 列）；ok 为空表示无法校验';
COMMENT ON COLUMN check_results.rule IS '规则名（如 requests.balance.total 收支平衡、requests.carryover.total 跨年结转）';
COMMENT ON COLUMN check_results.column_key IS '按列校验时的申请人列键';
COMMENT ON COLUMN check_results.ok IS '是否通过；为空表示所需数值缺失、无法校验';
COMMENT ON COLUMN check_results.expected IS '按规则应得的数值';
COMMENT ON COLUMN check_results.actual IS '报告所载的数值';
COMMENT ON COLUMN check_results.origin IS 'record 解析时逐份校验 / cross_year 入库时跨年度校验';

COMMENT ON TABLE issues IS '解析中发现的问题（缺格、推算、日期无法识别等）';
COMMENT ON TABLE ingest_log IS '处理日志：文件 × 运行，记录每次运行中每个文件的处理结果（loaded 入库 / unchanged 未变 / quarantined 隔离 等）';
COMMENT ON COLUMN ingest_log.outcome IS '处理结果';
COMMENT ON COLUMN ingest_log.reason IS '未入库时的原因';
COMMENT ON COLUMN ingest_log."at" IS '处理时间（UTC）';
COMMENT ON COLUMN ingest_log.report_id IS '文件所属报告（入库、未变或重复文件），隔离文件为空';
COMMENT ON TABLE raw_files IS '原始文件台账：data/raw 下每个文件（截至最近一次运行）的大小、修改时间、内容哈希与状态；下次运行据此跳过未变化的文件';
COMMENT ON COLUMN raw_files.path_bytes IS '文件名不是 UTF-8（如 Windows 压缩包解出的 GBK 文件名）时的原始字节；path 为其可打印形式（无法解码的字节写作 \xNN）；UTF-8 文件名为空';
COMMENT ON COLUMN raw_files.state IS 'report 报告所在文件 / duplicate 与其他文件内容相同 / quarantined 已隔离（原因见 reason）';
COMMENT ON COLUMN raw_files.report_id IS '所属报告；内容相同的多个路径指向同一报告';
COMMENT ON COLUMN raw_files.parser_version IS '读取该文件所用解析器版本；版本变化时全部文件重读一次';
COMMENT ON TABLE warehouse_meta IS '仓库元数据：schema_version、parser_version、last_run_id、published_at';
COMMENT ON TABLE dictionary IS '模板键与中文表头对照（TEMPLATE_KEYS.csv 的全部键）';

COMMENT ON VIEW current_reports IS '每个机关每年应使用的报告（is_current），附机关名称、地区与层级';
COMMENT ON VIEW yoy_requests IS '依申请公开各格同比：本年值、上年值、增减与增幅（上年为空或 0 时增幅为空）；报告空缺但可由同行其他格确定推算的格取推算值，并以 value_derived / prev_value_derived 标明';
COMMENT ON COLUMN yoy_requests.value_derived IS '本年值是否为推算值（报告未印出，由同行其他格确定推算，见 request_cells.derived_value）';
COMMENT ON COLUMN yoy_requests.prev_value_derived IS '上年值是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON VIEW yoy_active_disclosure IS '主动公开条数同比（按类别，含合计）';
COMMENT ON VIEW carryover_mismatches IS '本年“上年结转”与上年“结转下年度继续办理”不一致的机关、年度与列';
COMMENT ON VIEW report_panel IS '机关 × 年度主要指标一览（新收申请、予以公开、办理总计、行政复议、行政诉讼、主动公开）；报告空缺但可由同行其他格确定推算的数取推算值，并以同名 _derived 列标明';
COMMENT ON COLUMN report_panel.new_requests_derived IS '本年新收申请是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON COLUMN report_panel.granted_derived IS '予以公开是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON COLUMN report_panel.partially_granted_derived IS '部分公开是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON COLUMN report_panel.total_processed_derived IS '办理结果总计是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON COLUMN report_panel.carried_over_derived IS '上年结转是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON COLUMN report_panel.carried_forward_derived IS '结转下年度继续办理是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON COLUMN report_panel.review_total_derived IS '行政复议总计是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON COLUMN report_panel.litigation_total_derived IS '行政诉讼总计是否为推算值（报告未印出，由同行其他格确定推算）';
COMMENT ON VIEW coverage IS '报告覆盖情况：每个机关 × 语料中有报告的每个年度，是否有（当前）报告；如 2024 年未发布报告的乡镇：year = 2024 AND NOT has_report AND level = ''town''';
COMMENT ON COLUMN coverage.agency_id IS '机关标识，关联 agencies.agency_id';
COMMENT ON COLUMN coverage.agency_name IS '机关名称';
COMMENT ON COLUMN coverage.level IS '机关层级（同 agencies.level）';
COMMENT ON COLUMN coverage.province IS '所在省';
COMMENT ON COLUMN coverage.city IS '所在市（州）';
COMMENT ON COLUMN coverage.county IS '所在县（市、区）';
COMMENT ON COLUMN coverage.town IS '乡镇（街道）名称';
COMMENT ON COLUMN coverage.adcode IS '行政区划代码（6 位）';
COMMENT ON COLUMN coverage.year IS '年度（语料中至少有一份报告的年度）';
COMMENT ON COLUMN coverage.has_report IS '该机关该年度是否有报告';
COMMENT ON COLUMN coverage.status IS '该报告的解析状态：ok 完整 / incomplete 不完整（仍算有报告）；无报告为空';
COMMENT ON COLUMN coverage.report_coverage IS '该报告的表格覆盖率（0–1），无报告或旧格式为空';
COMMENT ON COLUMN coverage.report_id IS '该年度的当前报告（is_current），无报告为空';
COMMENT ON COLUMN coverage.published_on IS '该报告的落款日期，无报告或未知为空';
COMMENT ON COLUMN coverage.source_path IS '该报告的源文件路径';
COMMENT ON VIEW request_cells_wide IS '依申请公开情况表的宽表形式：一行一个办理结果，一列一类申请人';

-- report_rates and check_findings (sql/views/70_report_rates.sql, 80_check_findings.sql); the
-- wide view report_cells_wide carries its own comments in its generated file.
COMMENT ON VIEW report_rates IS '派生比率：一行一份当年应使用的报告（is_current）；比率旁附其分子分母所用数值。分母为 0 或所需数值未给出时比率为空；报告空缺但可由同行其他格确定推算的数取推算值，相应比率的 _derived 列为真，derived_figures 列出推算的数';
COMMENT ON COLUMN report_rates.share_granted IS '申请公开率（予以公开与部分公开占比）＝（予以公开 + 部分公开）÷（本年新收 + 上年结转），均取总计列：(requests.granted.total + requests.partially_granted.total) / (requests.new_received.total + requests.carried_over.total)';
COMMENT ON COLUMN report_rates.granted IS '三、本年度办理结果（一）予以公开｜总计（requests.granted.total）';
COMMENT ON COLUMN report_rates.partially_granted IS '三、本年度办理结果（二）部分公开｜总计（requests.partially_granted.total）';
COMMENT ON COLUMN report_rates.new_received IS '一、本年新收政府信息公开申请数量｜总计（requests.new_received.total）';
COMMENT ON COLUMN report_rates.carried_over IS '二、上年结转政府信息公开申请数量｜总计（requests.carried_over.total）';
COMMENT ON COLUMN report_rates.review_correction_rate IS '行政复议纠错率＝行政复议结果纠正 ÷ 行政复议总计：review_litigation.review.corrected / review_litigation.review.total（总计含尚未审结）';
COMMENT ON COLUMN report_rates.review_corrected IS '行政复议｜结果纠正（review.corrected）';
COMMENT ON COLUMN report_rates.review_total IS '行政复议｜总计（review.total）';
COMMENT ON COLUMN report_rates.litigation_direct_correction_rate IS '未经复议直接起诉的行政诉讼纠错率＝结果纠正 ÷ 总计：litigation_direct.corrected / litigation_direct.total';
COMMENT ON COLUMN report_rates.litigation_direct_corrected IS '行政诉讼 未经复议直接起诉｜结果纠正（litigation_direct.corrected）';
COMMENT ON COLUMN report_rates.litigation_direct_total IS '行政诉讼 未经复议直接起诉｜总计（litigation_direct.total）';
COMMENT ON COLUMN report_rates.litigation_after_review_correction_rate IS '复议后起诉的行政诉讼纠错率＝结果纠正 ÷ 总计：litigation_after_review.corrected / litigation_after_review.total';
COMMENT ON COLUMN report_rates.litigation_after_review_corrected IS '行政诉讼 复议后起诉｜结果纠正（litigation_after_review.corrected）';
COMMENT ON COLUMN report_rates.litigation_after_review_total IS '行政诉讼 复议后起诉｜总计（litigation_after_review.total）';
COMMENT ON COLUMN report_rates.litigation_correction_rate IS '行政诉讼纠错率（两类合计）＝（直接起诉结果纠正 + 复议后起诉结果纠正）÷（直接起诉总计 + 复议后起诉总计）：(litigation_direct.corrected + litigation_after_review.corrected) / (litigation_direct.total + litigation_after_review.total)';

COMMENT ON COLUMN report_rates.share_granted_derived IS '申请公开率是否用到推算值（所用数值中有报告未印出、由同行其他格确定推算者）';
COMMENT ON COLUMN report_rates.review_correction_rate_derived IS '行政复议纠错率是否用到推算值（所用数值中有报告未印出、由同行其他格确定推算者）';
COMMENT ON COLUMN report_rates.litigation_direct_correction_rate_derived IS '直接起诉行政诉讼纠错率是否用到推算值（所用数值中有报告未印出、由同行其他格确定推算者）';
COMMENT ON COLUMN report_rates.litigation_after_review_correction_rate_derived IS '复议后起诉行政诉讼纠错率是否用到推算值（所用数值中有报告未印出、由同行其他格确定推算者）';
COMMENT ON COLUMN report_rates.litigation_correction_rate_derived IS '行政诉讼纠错率是否用到推算值（所用数值中有报告未印出、由同行其他格确定推算者）';
COMMENT ON COLUMN report_rates.derived_figures IS '推算的数：本行所用数值中报告未印出、由同行其他格确定推算者的列名（如 new_received）；空列表表示全部为报告所载';

COMMENT ON VIEW check_findings IS '校验发现：一行一项。printed_inconsistent 报告所印数字不合勾稽关系（check_results.ok = false）；not_evaluable 所需数值缺失、无法校验（ok 为空）；unreadable 流水线未能读出的单元格或行（issues）。附机关、年度、文件与页码';
COMMENT ON COLUMN check_findings.kind IS 'printed_inconsistent 报告数字前后不一致 / not_evaluable 无法校验 / unreadable 无法读取';
COMMENT ON COLUMN check_findings.is_current IS '是否为该机关该年度应使用的报告；只看当前报告时筛选 is_current';
COMMENT ON COLUMN check_findings.section IS '所涉部分：requests 第三部分、review_litigation 第四部分、article20 第二部分、narrative 正文表述';
COMMENT ON COLUMN check_findings.rule IS '校验规则名（如 requests.balance.total），unreadable 行为问题代码（cell_missing 缺格、row_missing 缺行、ambiguous_split 数字粘连无法唯一拆分、stacked_values 一格内上下两个数、value_unreadable 数值无法识别）';
COMMENT ON COLUMN check_findings.location IS '校验所涉申请人列键，或无法读取的单元格位置（如 review_litigation.review.upheld）';
COMMENT ON COLUMN check_findings.expected IS '按规则应得的数值（跨年度校验为上年数值推算所得）';
COMMENT ON COLUMN check_findings.actual IS '报告所载数值';
COMMENT ON COLUMN check_findings.difference IS '所载数值 − 应得数值';
COMMENT ON COLUMN check_findings.origin IS 'record 逐份校验 / cross_year 跨年度校验';
COMMENT ON COLUMN check_findings.page IS '所涉表格起始页码（reports.page_*），正文表述或页码未知时为空';
