"""Every word the package shows, in Chinese and English.

Report labels, codebook terms, the sentences results write about themselves, command-line
headings and the methodology appendix.

No logic and no imports from policybench: computation modules format their numbers with
:mod:`policybench.numbers` and take their words from here.
"""

from __future__ import annotations

__all__ = [
    "CLI_LABELS",
    "COLUMNS_ZH",
    "LABELS",
    "METHOD_TEXT",
    "PARAMETER_LABELS",
    "PHRASES",
    "SHEETS_ZH",
    "TERMS",
    "cli_label",
    "label",
    "phrase",
    "term",
]

LABELS: dict[str, dict[str, str]] = {
    "title": {"zh": "{target}管理体制改革对标分析报告", "en": "Reform benchmarking report: {target}"},
    "summary": {"zh": "摘要", "en": "Summary"},
    "benchmark": {"zh": "标杆组", "en": "Benchmark set"},
    "overall_dtf": {"zh": "总体前沿距离得分（DTF）", "en": "Overall distance-to-frontier score (DTF)"},
    "summary_text": {
        "zh": "{target}相对于标杆组的总体DTF为{dtf}（100表示在所有适用类别均达到前沿），按本区状态已知的{n}个适用类别计算（另有{unknown}个适用类别状态未知、待核实，{na}个类别不适用）。建议优先推进：{top}。",
        "en": "{target} scores an overall DTF of {dtf} against the benchmark set (100 = at the frontier in every applicable category), over the {n} applicable categories whose state is known for the target ({unknown} more applicable ones are unknown and listed to verify first; {na} do not apply). Adopt first: {top}.",
    },
    "domains": {"zh": "分领域：本区与前沿", "en": "By domain: target and frontier"},
    "gaps": {"zh": "分类别差距", "en": "Gaps by category"},
    "recommendations": {"zh": "建议采纳的举措", "en": "Recommended measures"},
    "strengths": {
        "zh": "优势领域（标杆可向本区学习）",
        "en": "Strengths (where the models could learn from the target)",
    },
    "similarity": {"zh": "与各标杆的相似度", "en": "Similarity to each benchmark zone"},
    "alignment": {"zh": "与最相近标杆的举措对应", "en": "Aligned measures with the closest peer"},
    "sources": {"zh": "资料来源", "en": "Sources"},
    "methodology": {"zh": "方法附录", "en": "Methodology"},
    "not_counted": {"zh": "未计入的本区举措（按状态筛选）", "en": "Measures of the target not counted (status filter)"},
    "unverified": {"zh": "待核实（未排序）", "en": "Verify first (not ranked)"},
    "unverified_text": {
        "zh": "以下类别本区状态未知，或记为未开展却没有任何证据：数据无法区分“未开展”与“未查证”，因此不参与排序。每项列出核实办法：尚未通读的本区来源和尚未做过的检索。",
        "en": "The target's state of these categories is unknown, or recorded as absent without any evidence: the data cannot tell 'not done' from 'not looked at', so they are not ranked. Each comes with the check to run: the target's sources not yet read and the searches not yet run.",
    },
    "n_examined": {"zh": "已知状态的标杆数", "en": "Benchmark zones whose state is known"},
    "check": {"zh": "核实办法", "en": "How to check"},
    "check_first": {"zh": "对每一项，先", "en": "For each of them, first "},
    "left_out_duties": {
        "zh": "国家法律法规规定的义务（{names}）视为各区均已履行，不作为建议",
        "en": "National duties set by law or State Council regulation ({names}) are presumed met by every zone and are never recommended",
    },
    "left_out_na": {
        "zh": "不适用于本区的类别（{names}）不作为建议",
        "en": "Categories that do not apply to the target ({names}) are never recommended",
    },
    "n_adopted": {"zh": "其中已开展", "en": "Of them, doing it"},
    "overlap": {"zh": "双方均已知的类别数", "en": "Overlap (categories known for both)"},
    "similarity_undefined": {"zh": "无法计算相似度", "en": "No similarity given"},
    "rests_on_low": {"zh": "依据：低可信度来源", "en": "rests on: low-confidence source"},
    "not_applicable": {"zh": "不适用类别（标杆组均未开展）", "en": "Not applicable (no benchmark zone does them)"},
    "target": {"zh": "本区", "en": "Target"},
    "frontier": {"zh": "前沿", "en": "Frontier"},
    "gap": {"zh": "差距", "en": "Gap"},
    "priority": {"zh": "优先度", "en": "Priority"},
    "rank": {"zh": "序", "en": "Rank"},
    "category": {"zh": "类别", "en": "Category"},
    "domain": {"zh": "领域", "en": "Domain"},
    "exemplars": {"zh": "可借鉴的举措", "en": "Exemplars"},
    "prerequisites": {"zh": "前置条件（本区尚缺）", "en": "Prerequisites the target lacks"},
    "authority": {"zh": "所需权限", "en": "Authority needed"},
    "uplift": {"zh": "DTF提升", "en": "DTF uplift"},
    "robustness": {"zh": "稳健性", "en": "Robustness"},
    "robust_text": {
        "zh": "进入前{k}的概率{p:.0%}，排名中位数{m:g}（5–95%：{lo:.0f}–{hi:.0f}）",
        "en": "P(top {k}) {p:.0%}, median rank {m:g} (5-95%: {lo:.0f}-{hi:.0f})",
    },
    "fragile": {"zh": "不稳健", "en": "fragile"},
    "single_exemplar": {"zh": "仅一个标杆", "en": "single exemplar"},
    "already_planned": {"zh": "本区已提出", "en": "already planned"},
    "score": {"zh": "综合相似度（90%区间）", "en": "Combined (90% interval)"},
    "structured": {"zh": "结构相似度估计", "en": "Structured estimate"},
    "similarity_imputed": {
        "zh": "以下区域与本区在双方均已知的类别中都没有计入的举措，举措对齐部分为插补值（区间相应放宽）",
        "en": "No counted measures to align in the categories known for both, so the alignment part is imputed "
        "(with a wider interval)",
    },
    "list_sep": {"zh": "；", "en": "; "},
    "more_zones": {
        "zh": "另有{n}个园区未在此列出（JSON和XLSX格式的报告列出全部）",
        "en": "{n} more zones not listed here (the JSON and XLSX reports list them all)",
    },
    "more_benchmark": {"zh": "等，共{n}个园区", "en": "and {more} more ({n} zones in all)"},
    "caveat_thin-overlap": {"zh": "双方均已知的类别少", "en": "few categories known for both"},
    "caveat_alignment-imputed": {"zh": "举措对齐为插补值", "en": "alignment imputed"},
    "caveat_structure-only": {"zh": "仅有结构相似度", "en": "structured part only"},
    "known_both": {"zh": "双方均已知占比", "en": "Known for both (share)"},
    "aligned": {"zh": "举措对齐", "en": "Alignment"},
    "coverage": {"zh": "覆盖率（本区被对方覆盖 / 对方被本区覆盖）", "en": "Coverage (target by zone / zone by target)"},
    "zone": {"zh": "区域", "en": "Zone"},
    "depth": {"zh": "深度", "en": "Depth"},
    "confidence": {"zh": "可信度", "en": "Confidence"},
    "status": {"zh": "状态", "en": "Status"},
    "publisher": {"zh": "发布者", "en": "Publisher"},
    "date": {"zh": "日期", "en": "Date"},
    "kind": {"zh": "类型", "en": "Kind"},
    "parameters": {"zh": "参数", "en": "Parameters"},
    "none": {"zh": "无", "en": "none"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "unmatched": {"zh": "无对应的本区举措", "en": "Target measures without a counterpart"},
    "generated": {"zh": "生成日期", "en": "Generated"},
    "reproduce": {"zh": "复现信息", "en": "Reproducibility"},
    "codebook": {"zh": "编码本", "en": "codebook"},
    "data_version": {"zh": "数据版本", "en": "data"},
    "id": {"zh": "举措代码", "en": "Measure id"},
    "sim": {"zh": "相似度", "en": "Similarity"},
    "value": {"zh": "取值", "en": "Value"},
    "priority_share": {"zh": "优先度占比", "en": "Share of priority"},
    "priority_legend": {
        "zh": "优先度占比：该类别的优先度占全部排序类别优先度之和的比例；数值越大越应优先推进。",
        "en": "Share of priority: the category's priority as a share of the sum over all ranked categories. Larger means act sooner.",
    },
    "domain_legend": {
        "zh": "本区、前沿、DTF（对标部分）：该领域中标杆组至少有一区开展、且本区状态已知的类别上的平均得分（0–1，1为最深）；标杆组均未开展的类别不参与对标。本区全部考察类别：本区编码考察过的该领域全部类别（含标杆组均未开展的）上的平均与最高得分，即本区自身的做法（如“优势领域”所列各项）。未考察（状态未知）的类别既不算作0，也不计入任何一栏，列为“待核实”。差距类别 / 适用类别：本区低于前沿的类别数 / 对标部分的类别数。已考察 / 类别总数：本区编码考察过的类别数 / 编码本中该领域的类别数。“—”表示没有可计算的类别。",
        "en": "Target, frontier, DTF (the benchmarked part): mean score (0-1, 1 deepest) over the domain's categories that at least one benchmark zone does and whose state is known for the target; categories no benchmark zone does are not benchmarked. Target, all examined: the target's mean and best score over every category of the domain its coding examined, benchmarked or not, i.e. its own practice (such as the items under Strengths). Categories not examined (state unknown) count neither as 0 nor at all: they are listed to verify first. Gaps / applicable: categories below the frontier / categories in the benchmarked part. Examined / in domain: categories the target's coding examined / categories of the domain in the codebook. A dash: no category to compute it over.",
    },
    "own_strength": {"zh": "本区全部考察类别：平均 / 最高", "en": "Target, all examined: mean / best"},
    "examined_count": {"zh": "已考察 / 类别总数", "en": "Examined / in domain"},
    "gap_count": {"zh": "差距类别 / 适用类别", "en": "Gaps / applicable"},
    "cite": {"zh": "引用方式", "en": "How to cite"},
    "all_other_zones": {"zh": "其他全部区域（{n}个）", "en": "every other zone ({n})"},
    "default_weights": {"zh": "编码本默认权重", "en": "codebook defaults"},
    "measure": {"zh": "举措", "en": "Measure"},
    "closest": {"zh": "最相近的标杆", "en": "Closest peer"},
    "first_adopter": {"zh": "首个采纳者", "en": "first adopter"},
    "later_adopters": {"zh": "跟进者", "en": "later adopters"},
    "role": {"zh": "类别角色", "en": "Role"},
    "plan": {"zh": "行动计划（按所需权限）", "en": "Action plan by authority"},
    "timeline": {
        "zh": "谁先做、谁跟进：建议类别的采纳时间线",
        "en": "Who did it first, who followed: adoption timeline of the recommended categories",
    },
    "timeline_legend": {
        "zh": "每个标记是一个区最早有日期的采纳（试点、实施或已终止的举措），宽度为日期精度允许的区间（只知年份的为整年）；深色为首个采纳者。悬停可见区域与日期。",
        "en": "Each mark is a zone's earliest dated adoption (a piloted, implemented or discontinued measure); its width is the interval the date's precision allows (a whole year when only the year is known); the dark mark is the first adopter. Hover for zone and date.",
    },
    "timeline_legend_print": {
        "zh": "每个标记是一个区最早有日期的采纳（试点、实施或已终止的举措），宽度为日期精度允许的区间（只知年份的为整年）；深色为首个采纳者。图下按采纳先后列出各区及日期。",
        "en": "Each mark is a zone's earliest dated adoption (a piloted, implemented or discontinued measure); its width is the interval the date's precision allows (a whole year when only the year is known); the dark mark is the first adopter. The zones and dates are listed below the chart in adoption order.",
    },
    "plan_legend": {
        "zh": "按推进所需的权限把建议分组：园区可自行推进的在前，需上级授权或配合的在后；同组内前置条件在前，其余按优先度排序。范例与资料来源可在请示、报告中引用。",
        "en": "The recommendations grouped by the authority that must act: what the zone can do alone first, then what needs a higher level; within a group, prerequisites come first, the rest by priority. The exemplars and sources are what to cite in a request or report.",
    },
    "plan_zone": {"zh": "园区可自行推进", "en": "The zone can act alone"},
    "plan_municipal": {"zh": "需市级授权或配合", "en": "Needs the municipality"},
    "plan_provincial": {"zh": "需省级授权或配合", "en": "Needs the province"},
    "plan_national": {"zh": "需国家层面授权", "en": "Needs national authority"},
    "step": {"zh": "步骤", "en": "Step"},
    "cite_sources": {"zh": "可引用的资料", "en": "Sources to cite"},
    "cite_text": {
        "zh": "policybench贡献者。《{target}管理体制改革对标分析报告》，policybench {version}（编码本 {codebook}，数据版本 {data}），生成于{date}。",
        "en": "policybench contributors. Reform benchmarking report: {target}. policybench {version} (codebook {codebook}, data {data}), generated {date}.",
    },
}


#: Codebook vocabularies in each language (authority levels, confidence, statuses).
TERMS: dict[str, dict[str, str]] = {
    "zh": {
        "zone": "园区自身",
        "municipal": "市级",
        "provincial": "省级",
        "national": "国家",
        "high": "高",
        "medium": "中",
        "low": "低",
        "proposed": "提出",
        "piloting": "试点",
        "implemented": "实施",
        "discontinued": "终止",
        "primary": "主类别",
        "secondary": "次类别",
        "yes": "是",
        "no": "否",
        "unknown": "未知",
        "present": "已开展",
        "absent": "未开展",
        "not-applicable": "不适用",
        "news": "新闻报道",
        "reprint": "转载",
        "research": "研究文献",
        "max": "最大值",
        "mean": "平均值",
        "true": "是",
        "false": "否",
        "national-high-tech-zone": "国家高新区",
        "development-zone": "开发区",
        "city-programme": "城市计划",
        "company": "企业",
        "national-policy": "国家政策",
        "other": "其他",
        "lead": "领先",
        "lag": "滞后",
        "same-period": "同期",
        "day": "日",
        "month": "月",
        "year": "年",
        "documented": "全部标杆中有记录开展的比例",
        "source": "来源记载",
        "search": "检索记录",
        "none": "无证据",
        "unevidenced": "记为未开展但无证据",
        "examined": "状态已知的标杆中开展的比例",
    },
    "en": {
        "true": "yes",
        "false": "no",
        "national-policy": "national policy",
        "documented": "share of all benchmark zones with a documented adoption",
        "examined": "share of the benchmark zones whose state is known",
    },
}

#: Parameter names of an analysis, in each language (the report shows them as a table).
PARAMETER_LABELS: dict[str, dict[str, str]] = {
    "against": {"zh": "标杆组", "en": "benchmark zones"},
    "peers": {"zh": "最近邻标杆数", "en": "nearest peers"},
    "frontier": {"zh": "前沿规则", "en": "frontier rule"},
    "weights": {"zh": "类别权重", "en": "category weights"},
    "status": {"zh": "计入的状态", "en": "statuses counted"},
    "secondary_weight": {"zh": "次类别权重", "en": "secondary-category weight"},
    "adoption_prior": {"zh": "采用率收缩强度", "en": "adoption prior strength"},
    "adoption_base_rate": {"zh": "采用率基准", "en": "adoption base rate"},
    "adoption_basis": {"zh": "采用率口径", "en": "adoption share of"},
    "as_of": {"zh": "数据截至", "en": "data as of"},
}

#: Sheet names and column names of the XLSX workbook in Chinese (English keeps the field names).
SHEETS_ZH: dict[str, str] = {
    "summary": "摘要",
    "recommendations": "建议",
    "gaps": "分类别差距",
    "domains": "分领域",
    "strengths": "优势",
    "similarity": "相似度",
    "alignment": "举措对应",
    "not_counted": "未计入举措",
    "sources": "资料来源",
    "methodology": "方法",
    "plan": "行动计划",
    "similarity_undefined": "无法计算相似度",
    "unverified": "待核实",
    "timeline": "采纳时间线",
    "parameters": "参数",
    "not_applicable": "不适用类别",
    "cite": "引用方式",
}
COLUMNS_ZH: dict[str, str] = {
    "field": "字段",
    "value": "值",
    "rank": "序",
    "code": "类别代码",
    "domain": "领域代码",
    "label_zh": "名称",
    "label_en": "英文名称",
    "priority": "优先度",
    "priority_share": "优先度占比",
    "target": "本区得分",
    "frontier": "前沿得分",
    "gap": "差距",
    "dtf": "前沿距离得分",
    "adoption": "标杆采纳比例",
    "exemplar_ids": "范例举措代码",
    "exemplar": "范例举措代码",
    "strength": "本区优势",
    "evidence_weight": "证据权重",
    "exemplar_zones": "范例区域",
    "exemplars": "范例",
    "prerequisites_missing": "尚缺前置条件",
    "authority": "所需权限",
    "zone_can_act_alone": "园区可自行推进",
    "uplift": "DTF提升",
    "already_planned": "本区已提出",
    "planned_measures": "本区已提出的举措",
    "not_counted": "未计入的举措",
    "target_state": "本区状态（已开展/未开展/未知）",
    "n_examined": "已知状态的标杆数",
    "n_adopted": "其中已开展的标杆数",
    "similarity_low": "相似度区间下限",
    "similarity_high": "相似度区间上限",
    "low": "区间下限",
    "high": "区间上限",
    "caveats": "注意事项",
    "known_share": "双方均已知类别占比",
    "single_exemplar": "仅一个标杆",
    "n_unknown": "状态未知的适用类别数",
    "own_mean": "本区平均得分（全部考察类别）",
    "own_max": "本区最高得分（全部考察类别）",
    "own_examined": "本区考察过的类别数",
    "n_categories": "领域类别总数",
    "rests_on_low_confidence": "依据低可信度来源",
    "potential_priority": "潜在优先度",
    "overlap": "双方均已知的类别数",
    "overlap_share": "共同考察类别占比",
    "reason": "原因",
    "exemplar_confidence": "最佳范例可信度",
    "absence_evidence": "未开展的依据",
    "p_lacks": "确未开展的概率",
    "check_sources": "待读来源代码",
    "check_queries": "待做检索",
    "check_zh": "核实办法",
    "rationale_zh": "说明",
    "rationale_en": "英文说明",
    "median_rank": "排名中位数",
    "rank_p05": "排名5%分位",
    "rank_p95": "排名95%分位",
    "p_top": "进入前列概率",
    "fragile": "不稳健",
    "median_rank_weights": "排名中位数（仅权重）",
    "rank_p05_weights": "排名5%分位（仅权重）",
    "rank_p95_weights": "排名95%分位（仅权重）",
    "p_top_weights": "进入前列概率（仅权重）",
    "median_rank_evidence": "排名中位数（仅证据）",
    "rank_p05_evidence": "排名5%分位（仅证据）",
    "rank_p95_evidence": "排名95%分位（仅证据）",
    "p_top_evidence": "进入前列概率（仅证据）",
    "weight": "权重",
    "categories": "适用类别数",
    "gaps": "有差距类别数",
    "frontier_holders": "前沿持有区",
    "zone": "区域代码",
    "name": "区域",
    "score": "综合相似度",
    "structured": "结构相似度",
    "alignment": "举措对齐",
    "coverage_target_by_zone": "本区被对方覆盖",
    "coverage_zone_by_target": "对方被本区覆盖",
    "similarity": "相似度",
    "text": "文本",
    "category": "类别",
    "measure_a": "本区举措代码",
    "measure_b": "对方举措代码",
    "title_a": "本区举措",
    "title_b": "对方举措",
    "measure_id": "举措代码",
    "role": "角色",
    "status": "状态",
    "depth": "深度",
    "title_zh": "标题",
    "title_en": "英文标题",
    "id": "代码",
    "title": "标题",
    "publisher": "发布者",
    "date": "日期",
    "url": "网址",
    "kind": "类型",
    "lang": "语言",
    "target_name": "本区名称",
    "benchmark": "标杆组",
    "generated": "生成日期",
    "library_version": "policybench版本",
    "codebook_version": "编码本版本",
    "data_hash": "数据版本",
    "params": "参数",
    "sensitivity": "稳健性检验",
    "top": "建议条数",
    "overall_dtf": "总体前沿距离得分",
    "level": "权限层级",
    "step": "步骤",
    "prerequisites": "尚缺前置条件代码",
    "prerequisites_zh": "尚缺前置条件",
    "prerequisites_en": "尚缺前置条件（英文）",
    "sources": "可引用的资料",
    "parameter": "参数",
    "label": "名称",
    "order": "采纳次序",
    "zone_id": "区域代码",
    "zone_kind": "区域类型",
    "start": "开始日期",
    "precision": "日期精度",
    "earliest": "最早可能日期",
    "latest": "最晚可能日期",
    "lag_min_days": "晚于首个采纳者（最少天数）",
    "lag_max_days": "晚于首个采纳者（最多天数）",
    "vs_national": "相对国家方向",
    "zone_name_zh": "区域",
    "zone_name_en": "区域（英文）",
    "name_zh": "区域",
    "name_en": "区域（英文）",
    # the list tables of the command line
    "province": "省份",
    "established": "设立",
    "n_measures": "举措数",
    "n_counted": "计入的举措数",
    "n_sources": "来源数",
    "requires": "前置类别",
    "core": "核心清单",
    "national_duty": "国家义务",
    "source_id": "来源代码",
    "n_citing": "引用次数",
    "confidence": "可信度",
}


#: Column headings and lines of the command line's tables, in each language.
CLI_LABELS: dict[str, dict[str, str]] = {
    "category": {"zh": "类别", "en": "category"},
    "code": {"zh": "代码", "en": "code"},
    "first": {"zh": "首个采纳者", "en": "first adopter"},
    "start": {"zh": "开始", "en": "start"},
    "adopters": {"zh": "采纳区数", "en": "adopters"},
    "order": {"zh": "次序", "en": "order"},
    "zone": {"zh": "区域", "en": "zone"},
    "zone_id": {"zh": "区域代码", "en": "zone_id"},
    "measure_id": {"zh": "举措代码", "en": "measure_id"},
    "lag": {"zh": "晚于首个", "en": "after first"},
    "vs_national": {"zh": "相对国家方向", "en": "vs national"},
    "status": {"zh": "状态", "en": "status"},
    "vs_lead": {"zh": "领先", "en": "ahead"},
    "vs_lag": {"zh": "滞后", "en": "after"},
    "vs_same-period": {"zh": "同期", "en": "same period"},
    "no_adopter": {"zh": "（没有带日期的采纳记录）", "en": "(no dated adoption)"},
    "national_line": {
        "zh": "国家方向 {measure}（{date}）：{lead}个区领先，{same}个同期，{lag}个滞后",
        "en": "national direction {measure} ({date}): {lead} zone(s) ahead, {same} same period, {lag} after",
    },
    "edge_line": {
        "zh": "借鉴：{target}（{target_measure}）← {source}（{source_measure}），第{generation}代",
        "en": "inspired by: {target} ({target_measure}) <- {source} ({source_measure}), generation {generation}",
    },
    "undated_line": {"zh": "无日期（未排序）：", "en": "undated (not placed): "},
    "rank": {"zh": "序", "en": "rank"},
    "label": {"zh": "名称", "en": "label"},
    "priority": {"zh": "优先度", "en": "priority"},
    "gap": {"zh": "差距", "en": "gap"},
    "dtf": {"zh": "DTF", "en": "DTF"},
    "exemplar_zones": {"zh": "范例区域", "en": "exemplar zones"},
    "authority": {"zh": "所需权限", "en": "authority"},
    "already_planned": {"zh": "本区已提出", "en": "already planned"},
    "p_top": {"zh": "进入前列概率", "en": "P(top)"},
    "fragile": {"zh": "不稳健", "en": "fragile"},
    "role": {"zh": "角色", "en": "role"},
    "depth": {"zh": "深度", "en": "depth"},
    "similarity": {"zh": "相似度", "en": "similarity"},
    "text": {"zh": "文本", "en": "text"},
    "title_a": {"zh": "甲方举措", "en": "measure of A"},
    "title_b": {"zh": "乙方举措", "en": "measure of B"},
    "not_counted_title": {"zh": "未计入（状态筛选）：", "en": "not counted (status filter):"},
    "priority_share": {"zh": "优先度占比", "en": "share of priority"},
    "target_state": {"zh": "本区状态", "en": "target state"},
    "rests_on": {"zh": "依据", "en": "rests on"},
    "rests_on_low": {"zh": "依据：低可信度来源", "en": "rests on: low-confidence source"},
    "low_source": {"zh": "低可信度来源", "en": "low-confidence source"},
    "other_sources": {"zh": "中高可信度来源", "en": "medium or high confidence"},
    "measure": {"zh": "举措", "en": "measure"},
    "exemplars": {"zh": "可借鉴的举措", "en": "exemplars"},
    "n_examined": {"zh": "已知标杆", "en": "benchmarks known"},
    "n_adopted": {"zh": "已开展", "en": "doing it"},
    "single_exemplar": {"zh": "仅一个标杆", "en": "single exemplar"},
    "frontier": {"zh": "前沿", "en": "frontier"},
    "exemplar_ids": {"zh": "范例举措代码", "en": "exemplar ids"},
    "p_top_weights": {"zh": "进入前列概率（仅权重）", "en": "P(top), weights only"},
    "p_top_evidence": {"zh": "进入前列概率（仅证据）", "en": "P(top), evidence only"},
    "no_recommendation": {
        "zh": "无建议：在所有参与排序的类别上，本区均已达到或超过前沿",
        "en": "no recommendation: the target is at or above the frontier wherever it is ranked",
    },
    "verify_first_line": {
        "zh": "待核实：{target}有{n}个类别状态未知（不参与排序）；",
        "en": "verify first: {n} categories whose state is unknown for {target} (not ranked);",
    },
    "verify_first_hint": {
        "zh": "在把排序视为完整之前，请对照以下范例核实本区情况（按潜在优先度排列）：",
        "en": "check the target against these exemplars before reading the ranking as complete (highest potential priority first):",
    },
    "zone_a": {"zh": "甲区", "en": "zone A"},
    "zone_b": {"zh": "乙区", "en": "zone B"},
    "estimate": {"zh": "估计", "en": "estimate"},
    "interval": {"zh": "区间", "en": "interval"},
    "known_share": {"zh": "双方已知占比", "en": "known for both"},
    "pairs_line": {
        "zh": "每对区域：相似度估计、{level}区间和双方均已知的类别占比（结构部分其余为插补）：",
        "en": "each pair: estimate, {level} interval and the share of categories known for both "
        "(the rest of the structured part imputed):",
    },
    "pairs_method": {
        "zh": "方法：见方法文档第11节（按各类别采用率多重插补；随机种子0）",
        "en": "method: docs/methods.md §11 (multiple imputation from each category's adoption; seed 0)",
    },
    "measures": {"zh": "举措数", "en": "measures"},
    "overlap_line": {"zh": "共同考察类别数（双方均已考察的类别）：", "en": "overlap (categories both zones examined):"},
    "undefined_line": {
        "zh": "{n}对区域没有相似度（空白）：共同考察类别少于{min}个，或其中没有计入的举措",
        "en": "{n} pair(s) without a similarity (blank/NaN): overlap under {min} categories, or no counted measure in it",
    },
    "counted": {"zh": "计入的举措", "en": "counted"},
    "high_confidence": {"zh": "高可信度占比", "en": "high-confidence share"},
    "codes_covered": {"zh": "覆盖类别数", "en": "categories covered"},
    "benchmark_line": {
        "zh": "标杆组：{zones}；数据 {data}；编码本 {codebook}",
        "en": "benchmark: {zones}; data {data}; codebook {codebook}",
    },
    "zone_numbers": {"zh": "区域编号：", "en": "zone numbers: "},
    "robustness_draws": {"zh": "稳健性抽样", "en": "robustness draws"},
    "report_written": {"zh": "报告已写入", "en": "report written"},
    "years_unit": {"zh": "年", "en": "y"},
}


#: Sentences that results write about themselves (``explain``, ``summary``, ``str``, rationales,
#: verification checks): one template per language. Numbers come in already formatted by
#: :func:`policybench.numbers.shown`, so the templates hold no number formats of their own.
PHRASES: dict[str, dict[str, str]] = {
    # similarity/combined.py: Comparison
    "comparison.overlap": {
        "zh": "两区均已知的类别 {overlap} 个（占编码本 {share}）",
        "en": "Overlap: {overlap} categories known for both ({share} of the codebook)",
    },
    "comparison.undefined_reason": {"zh": "；无法计算：{reason}", "en": "; undefined: {reason}"},
    "comparison.thin-overlap": {
        "zh": "注意：两区均已知的类别只有 {overlap} 个（少于 {need} 个），举措对齐只依据这些类别，结构部分多靠插补",
        "en": "Caveat: only {overlap} categories are known for both (fewer than {need}); the alignment "
        "rests on them alone and the structured part is mostly imputed",
    },
    "comparison.alignment-imputed": {
        "zh": "注意：没有可对齐的举措（{note}），举措对齐部分按两区与其他各区的对齐得分插补",
        "en": "Caveat: no measures to align ({note}); the alignment part is imputed from "
        "both zones' alignments with every other zone",
    },
    "comparison.structure-only": {
        "zh": "注意：没有可对齐的举措（{note}），也无从插补，综合相似度即结构相似度估计",
        "en": "Caveat: no measures to align ({note}) and nothing to impute from; "
        "the similarity is the structured estimate alone",
    },
    "comparison.estimate": {
        "zh": "结构相似度估计 {estimate}（{level}区间 {low}–{high}；两区均已知的类别占 {known}，其余按采用率模型插补）",
        "en": "Structured estimate {estimate} ({level} interval {low}-{high}; "
        "{known} of the categories known for both, the rest imputed)",
    },
    "comparison.interval": {"zh": "（{level}区间 {low}–{high}）", "en": " ({level} interval {low}-{high})"},
    "comparison.how.alignment-imputed": {"zh": "举措对齐为插补值", "en": "alignment imputed"},
    "comparison.how.structure-only": {"zh": "无可对齐的举措", "en": "no measures to align"},
    "comparison.head_caveat": {
        "zh": "{a}与{b}：综合相似度 {score}{interval}（{how}）",
        "en": "{a} vs {b}: similarity {score}{interval} ({how})",
    },
    "comparison.head_structured": {
        "zh": "{a}与{b}：综合相似度 {score}{interval} = 结构相似度估计（无可对齐的举措）",
        "en": "{a} vs {b}: similarity {score}{interval} = structured estimate (no measures to align)",
    },
    "comparison.head": {
        "zh": "{a}与{b}：综合相似度 {score}{interval} = {lam} × 结构估计 {structured} + {rest} × 举措对齐 {alignment}",
        "en": "{a} vs {b}: similarity {score}{interval} = {lam} x structured estimate {structured} "
        "+ {rest} x alignment {alignment}",
    },
    "comparison.head_undefined": {"zh": "{a}与{b}：无法计算相似度", "en": "{a} vs {b}: similarity undefined"},
    # similarity/alignment.py: Alignment
    "alignment.head": {
        "zh": "{a} 与 {b} 的举措对齐：得分 {score}；A 被 B 覆盖 {a_by_b}，B 被 A 覆盖 {b_by_a}",
        "en": "Alignment of {a} with {b}: score {score}; A covered by B {a_by_b}, B covered by A {b_by_a}",
    },
    "alignment.shared": {"zh": "共同类别：{codes}", "en": "Shared categories: {codes}"},
    "alignment.none": {"zh": "无", "en": "none"},
    "alignment.only": {"zh": "仅 {zone} 有：{codes}", "en": "Only {zone}: {codes}"},
    # gaps/summary.py: GapAnalysis.summary
    "gap.head": {"zh": "{target}对标{benchmark}的差距分析", "en": "Gap analysis of {target} against {benchmark}"},
    "gap.overall": {"zh": "总体DTF {dtf}", "en": "overall DTF {dtf}"},
    "gap.undefined": {
        "zh": "总体DTF无法计算（没有本区状态已知的适用类别）",
        "en": "overall DTF undefined (nothing known is applicable)",
    },
    "gap.counts": {
        "zh": "，基于本区状态已知的{known}个适用类别（{unknown}个状态未知，{na}个不适用）；前沿规则：{rule}",
        "en": " over {known} applicable categories known for the target "
        "({unknown} unknown, {na} not applicable); frontier rule {rule}",
    },
    "gap.row": {
        "zh": "  {code:<32} 差距 {gap}  优先度占比 {share:>4}  （{state}）",
        "en": "  {code:<32} gap {gap}  share of priority {share:>4}  ({state})",
    },
    "gap.verify": {
        "zh": "待核实（{target}状态未知，不参与排序）：{codes}",
        "en": "verify first (state unknown for {target}, not ranked): {codes}",
    },
    # assessment.py: Assessment.summary
    "assessment.head": {"zh": "{target}对标{benchmark}的评估", "en": "Assessment of {target} against {benchmark}"},
    "assessment.overall": {
        "zh": "总体DTF {dtf}，基于本区状态已知的{known}个适用类别（{unknown}个待核实）；数据 {data}，编码本 {codebook}",
        "en": "overall DTF {dtf} over {known} applicable categories known for the target "
        "({unknown} to verify first); data {data}, codebook {codebook}",
    },
    "assessment.undefined": {"zh": "无法计算", "en": "undefined"},
    "assessment.row": {
        "zh": "  {rank}. {code:<30} 优先度占比 {share:>4}",
        "en": "  {rank}. {code:<30} share of priority {share:>4}",
    },
    "assessment.robust": {"zh": "  进入前{k}的概率 {p}", "en": "  P(top {k}) {p}"},
    "assessment.closest": {"zh": "最相似：{zone}（{score}）", "en": "most similar: {zone} ({score})"},
    # gaps/rationale.py: one sentence per part of a recommendation's rationale
    "rationale.head": {
        "zh": "{label}：{target_name}得分{target}，标杆前沿{frontier}（差距{gap}，DTF {dtf}）；考察过此项的标杆中{adopted}/{n}采用。",
        "en": "{label}: {target_name} scores {target} against a frontier of {frontier} (gap {gap}, DTF {dtf}); "
        "{adopted} of {n} benchmark zones that examined it have it.",
    },
    "rationale.absence": {
        "zh": "本区未开展此项的依据：{basis}（可信度{confidence}），估计确未开展的概率为{p}。",
        "en": "That the zone lacks it rests on {basis} ({confidence} confidence): P(lacks) {p}.",
    },
    "rationale.basis.source": {"zh": "来源明确记载", "en": "a source that says so"},
    "rationale.basis.search": {
        "zh": "检索记录（相关来源和检索均未发现）",
        "en": "a search record (the sources read and queries run found nothing)",
    },
    "rationale.exemplar": {
        "zh": "可借鉴{zone}的{title}（深度{depth}，可信度{confidence}）。",
        "en": "Exemplar: {zone}, '{title}' (depth {depth}, {confidence} confidence).",
    },
    "rationale.planned": {
        "zh": "本区已提出相关方向（{planned}），尚未计入实施。",
        "en": "The zone has already proposed this ({planned}), not yet counted as implemented.",
    },
    "rationale.not_counted": {
        "zh": "本区曾有相关举措但未计入：{not_counted}。",
        "en": "Earlier measures here are not counted: {not_counted}.",
    },
    "rationale.prereq": {"zh": "需先具备：{prereq}。", "en": "Prerequisites first: {prereq}."},
    "rationale.authority_alone": {"zh": "园区自身即可推动。", "en": "The zone can act alone."},
    "rationale.authority_up": {
        "zh": "需要{level}层面授权或配合。",
        "en": "Needs {level}-level authorisation or support.",
    },
    "rationale.uplift": {
        "zh": "若达到标杆深度，总体DTF可提高{uplift}分。",
        "en": "Reaching the exemplar's depth would add {uplift} to the overall DTF.",
    },
    # gaps/evidence.py: the check that settles a "verify first" cell
    "check.read": {"zh": "通读本区来源{sources}", "en": "read the target's source(s) {sources}"},
    "check.search": {"zh": "检索{queries}", "en": "search {queries}"},
    "check.searched": {"zh": "（已检索{n}次）", "en": " ({n} queries already run)"},
    "check.searched_alone": {"zh": "已检索{n}次", "en": "{n} queries already run"},
    "check.exhausted": {
        "zh": "已读来源和建议检索均已做过，请向管委会或主管部门直接核实，或补充本区的官方文件",
        "en": "the sources and suggested searches are done: ask the zone's administration or add its "
        "official documents",
    },
    "check.page": {"zh": "{publisher}{date}发布的页面", "en": "a page of “{publisher}” of {date}"},
    "check.page_anonymous": {"zh": "{date}发布的页面", "en": "a page of {date}"},
    # gaps/whatif.py: the measure a scenario adds
    "whatif.title": {"zh": "假设：{label}", "en": "what-if: {label}"},
    "whatif.summary": {
        "zh": "情景分析中假设采用{label}。",
        "en": "Hypothetical adoption of {label} for scenario analysis.",
    },
    "publisher_unknown": {"zh": "发布者不详", "en": "publisher unknown"},
    # separators of lists and clauses
    "sep.list": {"zh": "、", "en": ", "},
    "sep.clause": {"zh": "；", "en": "; "},
}


def phrase(key: str, lang: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` ("zh" or "en") with ``values`` filled in.

    >>> phrase("alignment.only", "zh", zone="tianjin-htz", codes="GOV.STATUTORY_BODY")
    '仅 tianjin-htz 有：GOV.STATUTORY_BODY'
    """
    return PHRASES[key][lang].format(**values)


def cli_label(key: str, lang: str) -> str:
    """A command-line heading or line in ``lang`` (the key itself when there is none)."""
    entry = CLI_LABELS.get(key)
    return entry[lang] if entry else key


def term(value: str, lang: str) -> str:
    """A vocabulary word (authority, confidence, status, role) in ``lang``."""
    return TERMS[lang].get(value, value)


def label(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang``."""
    return LABELS[key][lang]


METHOD_TEXT: dict[str, list[str]] = {
    "en": [
        "Portfolio: s(z, c) = max over the zone's counted measures carrying category c of depth/3 x r, with r = 1 for the primary category and the secondary weight (default 0.5) for a secondary one. Depth follows the codebook: 1 announced or on paper, 2 piloted or partial, 3 institutionalised zone-wide with evidence of operation.",
        "States (data format 2.0): a category is present for a zone (a counted measure, or a national duty in force: score at least 1/3), absent (an absent entry with evidence or a search record, or a plan or ended measure: score 0), not applicable, or unknown (no score; silence is never absence). Frontier: f_c = max over the benchmark zones whose state of c is known of s(r, c) (or their mean, or a named zone). Categories with f_c = 0 are not applicable and are listed, not scored; national duties are never recommended.",
        "Distance to frontier: DTF_c = 100 x min(1, s(t, c) / f_c); gap g_c = max(0, f_c - s(t, c)); a strength where s(t, c) > f_c. Overall and domain DTF are weighted means over applicable categories known for the target; default weights: domains equal, categories equal within their domain.",
        "Priority: p_c = w_c x g_c x a_c x e_c x lambda_c, with a_c = (k_c + 2r) / (N + 2) the share of the N benchmark zones with a documented adoption of c, shrunk toward their base rate r; e_c the evidence weight of the best exemplar (high 1, medium 0.75, low 0.5); and lambda_c the probability that the target lacks c: 1 for a depth gap, 0.95 / 0.85 / 0.7 for an absence a source states (high / medium / low confidence), 0.75 / 0.6 for an absence resting on a search record. A frontier held by one zone is marked single exemplar. Categories whose state is unknown for the target, or whose absence has no evidence, are never ranked: they are listed to verify first, with the check to run.",
        "Track record: in a temporal backtest on the shipped data (every zone and cut-off year 2012-2020, the categories it adopted in the next five years), the top 5 categories had a precision of 0.30 against 0.27 for the most popular categories and 0.11 at random (recall 0.31 against 0.29) (benchmarks/bench_validity.py); part of the method was chosen after earlier runs of this backtest, so the margin is not an out-of-sample result.",
        "Recommendations: the top categories by priority, with 1-3 exemplars (deepest, best evidenced, most recent), missing prerequisites from the codebook's requires relation (prerequisites first), the authority needed, and the DTF uplift if the target reached the exemplar's depth.",
        "Robustness: Monte-Carlo draws multiply each weight by U(0.5, 1.5) (renormalised), pick the frontier rule (max or mean) at random, keep each counted measure with a probability set by its confidence (high 0.95, medium 0.8, low 0.5), and let each absence of the target hold with probability lambda_c; a recommendation in the top k with P(top k) under 0.5 is marked fragile.",
        "Similarity: combined = lambda x structured + (1 - lambda) x alignment, with an interval. Structured: the soft cosine of the two portfolios (S = (1 - sigma) I + sigma B within domains), estimated for every pair by multiple imputation of unknown cells from each category's adoption (Beta-binomial): estimate, 90% interval, share known for both. Alignment: over the categories known for both, one-to-one matching of counted measures by the Hungarian method on alpha x text TF-IDF cosine + (1 - alpha) x category soft cosine; pairs under the threshold left unmatched; score = 2 x matched similarity / (|A| + |B|); 0 when only one zone has measures there; when neither has, imputed from both zones' alignments with the other zones (wider interval). A small overlap is flagged, never a reason to give no number.",
    ],
    "zh": [
        "组合矩阵：s(z, c) = 该区在类别c上计入的举措中 深度/3 × r 的最大值；主类别 r = 1，次类别 r = 次类别权重（默认0.5）。深度按编码本：1 宣布或纸面，2 试点或部分范围，3 全区制度化且有运行证据。",
        "状态（数据格式2.0）：某区在某类别上为“已开展”（有计入的举措，或已施行的国家义务：至少计1/3）、“未开展”（有证据或检索记录的“未开展”条目，或仅有规划、已终止的举措，得分0）、“不适用”或“未知”（不计分；没有记录不等于没有开展）。前沿：f_c = 该类别状态已知的标杆中 s(r, c) 的最大值（或平均值，或指定标杆）。f_c = 0 的类别不适用，单独列出，不计分；国家义务类别不作为建议。",
        "前沿距离：DTF_c = 100 × min(1, s(t, c) / f_c)；差距 g_c = max(0, f_c − s(t, c))；s(t, c) > f_c 为优势。总体与分领域DTF为本区状态已知的适用类别的加权平均；默认权重：各领域相等，领域内各类别相等。",
        "优先度：p_c = w_c × g_c × a_c × e_c × λ_c，其中 a_c = (k_c + 2r) / (N + 2) 为N个标杆中有记录开展该类别的比例向基准率 r 收缩后的值；e_c 为最佳范例的证据权重（高1、中0.75、低0.5）；λ_c 为本区确未开展的概率：深度差距为1，来源明确记载的未开展按可信度高、中、低为0.95、0.85、0.7，依据检索记录的未开展为0.75、0.6。前沿仅由一个标杆决定时标为“仅一个标杆”。本区状态未知或记为未开展却无证据的类别不参与排序，列为待核实，并附核实办法。",
        "建议的历史检验：在随附数据上做时间回测（每个园区、2012—2020年每个截止年份，以其后五年实际开展的类别为准），前5项建议的命中率为0.30，按最常见类别推荐为0.27，随机为0.11（召回率0.31，按最常见类别推荐为0.29）（见项目基准测试的回测结果）；方法中有部分选择是在此前的回测之后做出的，因此这一差距不是样本外结果。",
        "建议：按优先度取前若干类别，附1–3个范例（深度最高、证据最好、最新）、编码本规定的前置关系中本区尚缺的前置条件（前置在前）、所需权限，以及达到范例深度时的总体DTF提升。",
        "稳健性：蒙特卡洛抽样将每个权重乘以U(0.5, 1.5)并重新归一，随机选择前沿规则（最大或平均），并按可信度以一定概率保留每项计入的举措（高0.95、中0.8、低0.5），本区的每项“未开展”以概率λ_c成立；排名前k但进入前k概率低于0.5的建议标为不稳健。",
        "相似度：综合 = λ × 结构相似度 + (1 − λ) × 举措对齐，并给出区间。结构相似度为两区组合向量的软余弦（S = (1 − σ) I + σ B，B为领域内全1块），对未知单元按各类别采用率（贝塔—二项模型）多重插补，给出每对园区的估计值、90%区间和双方均已知的类别比例。举措对齐：在双方均已知的类别上，以匈牙利算法一对一匹配计入的举措，相似度 = α × 文本TF-IDF余弦 + (1 − α) × 类别软余弦；低于阈值不匹配；得分 = 2 × 匹配相似度之和 / (|A| + |B|)；仅一方在这些类别有举措时为0；双方都没有时按两区与其他各区的对齐得分插补（区间相应放宽）。共同已知类别少只作提示，不因此不给数值。",
    ],
}
