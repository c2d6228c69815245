"""The default category tree shipped with every instance (admins can edit it).

Time limits follow the Beijing 12345 practice: emergencies 2 h, water, power,
gas and heating 24 h, general matters 7 days, complex ones 15 days. Response
limits are shorter. ``agency`` is a department name or a utility type.
"""
EMERGENCY, UTILITY, GENERAL, COMPLEX = 2, 24, 7 * 24, 15 * 24

# (大类 code, name, [(小类 code, name, agency, respond_hours, resolve_hours)])
CATEGORIES = [
    ("01", "市容环境", [("0101", "垃圾清运", "综合行政执法局", 4, GENERAL), ("0102", "乱堆乱放", "综合行政执法局", 4, GENERAL),
                        ("0103", "绿化养护", "园林绿化服务中心", 24, GENERAL)]),
    ("02", "设施设备", [("0201", "健身器材损坏", "住房和城乡建设局", 24, GENERAL), ("0202", "路灯故障", "住房和城乡建设局", 24, GENERAL),
                        ("0203", "电梯故障", "市场监督管理局", 2, UTILITY)]),
    ("03", "物业管理", [("0301", "物业服务投诉", "住房和城乡建设局", 24, GENERAL), ("0302", "公共维修", "住房和城乡建设局", 24, COMPLEX)]),
    ("04", "停车与充电", [("0401", "充电桩设置", "住房和城乡建设局", 24, COMPLEX), ("0402", "违规停车", "公安分局", 4, GENERAL)]),
    ("05", "消防安全", [("0501", "消防通道堵塞", "消防救援大队", 1, EMERGENCY), ("0502", "电动车违规充电", "消防救援大队", 1, EMERGENCY)]),
    ("06", "供水", [("0601", "停水", "water", 2, UTILITY), ("0602", "水管漏水", "water", 2, UTILITY)]),
    ("07", "供电", [("0701", "停电", "power", 2, UTILITY), ("0702", "线路隐患", "power", 2, UTILITY)]),
    ("08", "供气", [("0801", "燃气泄漏", "gas", 1, EMERGENCY), ("0802", "燃气停供", "gas", 2, UTILITY)]),
    ("09", "供热", [("0901", "暖气不热", "heating", 4, UTILITY)]),
    ("10", "通信", [("1001", "网络故障", "telecom", 4, UTILITY)]),
    ("11", "治安", [("1101", "治安隐患", "公安分局", 1, EMERGENCY)]),
    ("12", "矛盾纠纷", [("1201", "邻里纠纷", "司法局", 24, GENERAL), ("1202", "物业纠纷", "司法局", 24, COMPLEX)]),
    ("13", "养老服务", [("1301", "助老需求", "民政局", 24, GENERAL)]),
    ("99", "其他", [("9901", "其他问题", "", 24, GENERAL)]),
]

# English names of the default tree, for readers of the English pages (Category.name_en).
ENGLISH_NAMES = {
    "01": "City appearance", "0101": "Rubbish collection", "0102": "Things piled or dumped", "0103": "Green space upkeep",
    "02": "Facilities", "0201": "Broken fitness equipment", "0202": "Street light out", "0203": "Lift breakdown",
    "03": "Property management", "0301": "Complaint about property services", "0302": "Repairs to shared parts",
    "04": "Parking and charging", "0401": "Charging points", "0402": "Illegal parking",
    "05": "Fire safety", "0501": "Fire lane blocked", "0502": "E-bike charged unsafely",
    "06": "Water supply", "0601": "No water", "0602": "Leaking water pipe",
    "07": "Power supply", "0701": "Power cut", "0702": "Unsafe wiring",
    "08": "Gas supply", "0801": "Gas leak", "0802": "Gas supply cut",
    "09": "Heating", "0901": "Radiators not warm",
    "10": "Telecom", "1001": "Network fault",
    "11": "Public order", "1101": "Public order hazard",
    "12": "Disputes", "1201": "Dispute between neighbours", "1202": "Dispute with the property company",
    "13": "Elderly care", "1301": "Help for an elderly person",
    "99": "Other", "9901": "Other problem",
}

YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]

# Extra questions some 小类 ask (Open311 service attributes):
# 小类 code → [(code, datatype, required, question, [{"key", "name"}])], in order.
ATTRIBUTES = {
    "0101": [("waste_kinds", "multivaluelist", False, "垃圾种类",
              [{"key": "household", "name": "生活垃圾"}, {"key": "construction", "name": "建筑垃圾"},
               {"key": "bulky", "name": "大件垃圾"}])],
    "0203": [("elevator_stopped", "singlevaluelist", True, "是否困人", YES_NO)],
    "0601": [("households", "number", False, "影响户数", [])],
}


def install(Category):
    """Create the default tree, and its attributes, where their codes are missing (idempotent)."""
    for code, name, minors in CATEGORIES:
        major, _ = Category.objects.get_or_create(code=code, defaults={"name": name})
        for minor_code, minor_name, agency, respond, resolve in minors:
            Category.objects.get_or_create(code=minor_code, defaults={
                "name": minor_name, "parent": major, "default_agency_kind": agency,
                "response_hours": respond, "resolve_hours": resolve,
            })
    # The attribute model of the same registry as ``Category``: the real one,
    # or the historical one of a migration (absent before 0004 created it).
    try:
        CategoryAttribute = Category._meta.apps.get_model("cases", "CategoryAttribute")
    except LookupError:
        return
    install_attributes(Category, CategoryAttribute)
    install_english_names(Category)


def install_english_names(Category):
    """Give the default categories their English name where it is empty (idempotent).

    A category whose Chinese name an admin has changed keeps an empty English name: the
    default one might no longer fit. Skipped for a historical model without the field.
    """
    if not any(f.name == "name_en" for f in Category._meta.get_fields()):
        return
    chinese = {code: name for code, name, _minors in CATEGORIES}
    chinese.update({m[0]: m[1] for _code, _name, minors in CATEGORIES for m in minors})
    for category in Category.objects.filter(code__in=list(ENGLISH_NAMES), name_en=""):
        if category.name == chinese.get(category.code):
            category.name_en = ENGLISH_NAMES[category.code]
            category.save(update_fields=["name_en"])


def install_attributes(Category, CategoryAttribute):
    """Create the default attributes of the default 小类 that exist (idempotent)."""
    categories = Category.objects.in_bulk(list(ATTRIBUTES), field_name="code")
    for category_code, attributes in ATTRIBUTES.items():
        category = categories.get(category_code)
        if category is None:
            continue
        for order, (code, datatype, required, question, values) in enumerate(attributes, 1):
            CategoryAttribute.objects.get_or_create(category=category, code=code, defaults={
                "datatype": datatype, "required": required, "description": question,
                "order": order, "values": values,
            })
