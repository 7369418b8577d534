"""Words of the reports in Chinese and English, and the methodology appendix."""

from __future__ import annotations

__all__ = ["CLI_LABELS", "LABELS", "METHOD_TEXT", "TERMS", "cli_label", "label", "term"]

LABELS: dict[str, dict[str, str]] = {
    "title": {"zh": "{target}管理体制改革对标分析报告", "en": "Reform benchmarking report: {target}"},
    "summary": {"zh": "摘要", "en": "Summary"},
    "benchmark": {"zh": "标杆组", "en": "Benchmark set"},
    "overall_dtf": {"zh": "总体前沿距离得分（DTF）", "en": "Overall distance-to-frontier score (DTF)"},
    "summary_text": {
        "zh": "{target}相对于标杆组的总体DTF为{dtf:.1f}（100表示在所有适用类别均达到前沿），共{n}个适用类别。建议优先推进：{top}。",
        "en": "{target} scores an overall DTF of {dtf:.1f} against the benchmark set (100 = at the frontier in every applicable category), over {n} applicable categories. Adopt first: {top}.",
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
    "uncoded": {
        "zh": "未排序的差距（本区在该领域没有编码的举措，可能是数据缺口）",
        "en": "Gaps not ranked (no coded measure of the target in the domain: maybe a gap in our data)",
    },
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
        "zh": "进入前{k}的概率{p:.0%}，排名中位数{m:g}（5–95%：{lo:g}–{hi:g}）",
        "en": "P(top {k}) {p:.0%}, median rank {m:g} (5-95%: {lo:g}-{hi:g})",
    },
    "fragile": {"zh": "不稳健", "en": "fragile"},
    "already_planned": {"zh": "本区已提出", "en": "already planned"},
    "score": {"zh": "综合相似度", "en": "Combined"},
    "structured": {"zh": "结构相似度", "en": "Structured"},
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
    },
    "en": {},
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
    "benchmark_line": {
        "zh": "标杆组：{zones}；数据 {data}；编码本 {codebook}",
        "en": "benchmark: {zones}; data {data}; codebook {codebook}",
    },
}


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
        "Frontier: f_c = max over the benchmark set of s(r, c) (or the mean, or a named zone). Categories with f_c = 0 are not applicable and are listed, not scored.",
        "Distance to frontier: DTF_c = 100 x min(1, s(t, c) / f_c); gap g_c = max(0, f_c - s(t, c)); a strength where s(t, c) > f_c. Overall and domain DTF are weighted means over applicable categories; default weights: domains equal, categories equal within their domain.",
        "Priority: p_c = w_c x g_c x a_c x e_c, with a_c the share of benchmark zones that have c and e_c the evidence weight of the best exemplar (high 1, medium 0.75, low 0.5). Categories of domains where the target has no coded measure are reported separately, not ranked.",
        "Recommendations: the top categories by priority, with 1-3 exemplars (deepest, best evidenced, most recent), missing prerequisites from the codebook's requires relation (prerequisites first), the authority needed, and the DTF uplift if the target reached the exemplar's depth.",
        "Robustness: Monte-Carlo draws multiply each weight by U(0.5, 1.5) (renormalised) and pick the frontier rule (max or mean) at random; a recommendation in the top k with P(top k) under 0.5 is marked fragile.",
        "Similarity: combined = lambda x structured (soft cosine of portfolios, S = (1 - sigma) I + sigma B within domains) + (1 - lambda) x alignment (one-to-one matching of measures by the Hungarian method on alpha x text TF-IDF cosine + (1 - alpha) x category soft cosine; pairs under the threshold left unmatched; score = 2 x matched similarity / (|A| + |B|)).",
    ],
    "zh": [
        "组合矩阵：s(z, c) = 该区在类别c上计入的举措中 深度/3 × r 的最大值；主类别 r = 1，次类别 r = 次类别权重（默认0.5）。深度按编码本：1 宣布或纸面，2 试点或部分范围，3 全区制度化且有运行证据。",
        "前沿：f_c = 标杆组中 s(r, c) 的最大值（或平均值，或指定标杆）。f_c = 0 的类别不适用，单独列出，不计分。",
        "前沿距离：DTF_c = 100 × min(1, s(t, c) / f_c)；差距 g_c = max(0, f_c − s(t, c))；s(t, c) > f_c 为优势。总体与分领域DTF为适用类别的加权平均；默认权重：各领域相等，领域内各类别相等。",
        "优先度：p_c = w_c × g_c × a_c × e_c，其中 a_c 为标杆组中开展该类别的比例，e_c 为最佳范例的证据权重（高1、中0.75、低0.5）。本区在某领域没有任何编码举措时，该领域的差距单独报告，不参与排序。",
        "建议：按优先度取前若干类别，附1–3个范例（深度最高、证据最好、最新）、编码本requires关系给出的本区尚缺的前置条件（前置在前）、所需权限，以及达到范例深度时的总体DTF提升。",
        "稳健性：蒙特卡洛抽样将每个权重乘以U(0.5, 1.5)并重新归一，随机选择前沿规则（最大或平均）；排名前k但进入前k概率低于0.5的建议标为不稳健。",
        "相似度：综合 = λ × 结构相似度（组合向量的软余弦，S = (1 − σ) I + σ B，B为领域内全1块）+ (1 − λ) × 举措对齐（以匈牙利算法一对一匹配举措，相似度 = α × 文本TF-IDF余弦 + (1 − α) × 类别软余弦；低于阈值不匹配；得分 = 2 × 匹配相似度之和 / (|A| + |B|)）。",
    ],
}
