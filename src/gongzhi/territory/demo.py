"""The territory of the demo world (济宁高新区): streets, communities, grids and micro-grids with
boundaries, estates, buildings, households and residents. Named places come from the source
article; the rest is generated from the demo's seeded random generator."""
import datetime

from gongzhi.core.demo import cuts, rectangle, spread

from .identity import id_check_char
from .models import Building, Estate, Household, Level, Resident, Unit

GRIDS = 231                # 基础网格231个
MICRO_GRIDS = 1226         # 微网格1226个
DISTRICT_CODE = "370871"
DISTRICT_NAME = "济宁高新区"
# Streets and communities: the article's names first, then generated ones.
STREETS = [
    ("洸河街道", ["黄庄社区", "三郭社区", "东闸社区", "香堤社区", "书城社区", "荷花社区", "南池社区", "崇文社区", "金宇社区", "红星社区"]),
    ("柳行街道", ["柳行社区", "幸福邻里社区", "莲池社区", "明德社区", "康泰社区", "春晖社区", "瑞园社区", "翠微社区", "杨柳社区"]),
    ("接庄街道", ["龙城社区", "接庄社区", "银河社区", "锦绣社区", "富华社区", "文昌社区", "华联社区", "嘉和社区"]),
    ("黄屯街道", ["黄屯社区", "兴唐社区", "北湖社区", "蓼河社区", "仙营社区", "长青社区", "天合社区"]),
    ("王因街道", ["王因社区", "永丰社区", "西苑社区", "东苑社区", "怡馨社区", "鑫达社区"]),
]
NAMED_ESTATES = {"龙城社区": ["龙城一号小区"], "书城社区": ["书城宿舍"], "崇文社区": ["财政局宿舍"]}
ESTATE_WORDS = ["花园", "家园", "小区", "雅苑", "名居", "新村", "公馆", "华庭"]
ESTATE_PREFIX = ["金色", "阳光", "和谐", "丽景", "枫林", "盛世", "御景", "翡翠", "绿城", "东方", "世纪", "祥和", "紫金", "泰和", "宏达"]
PROPERTY_COMPANIES = ["济宁鲁诚物业", "高新城建物业", "万和物业服务", "绿地物业", "金厦物业", "恒信物业"]
# Bounding box of the demo district (longitude, latitude), roughly where the zone lies.
WEST, EAST, SOUTH, NORTH = 116.52, 116.74, 35.33, 35.47


def build_territory(builder):
    rng, w = builder.rng, builder.world
    w.id_numbers = set()  # ID numbers given so far: each resident's is unique
    w.streets, w.communities, w.grids = [], [], []
    w.micro_grids_by_grid, w.buildings_by_grid, w.households_by_building = {}, {}, {}
    w.district = Unit.objects.create(code=DISTRICT_CODE, name=DISTRICT_NAME, level=Level.DISTRICT,
                                     boundary=rectangle(WEST, EAST, SOUTH, NORTH))
    n_communities = sum(len(c) for _, c in STREETS)
    grids_per_community = spread(GRIDS, n_communities, rng)
    micro_per_grid = spread(MICRO_GRIDS, GRIDS, rng)
    street_edges = cuts(WEST, EAST, [len(c) for _, c in STREETS])
    community_index = grid_index = 0
    units = []
    for s, (street_name, communities) in enumerate(STREETS):
        street = Unit(code=f"{DISTRICT_CODE}{s + 1:03d}", name=street_name, level=Level.STREET, parent=w.district,
                      boundary=rectangle(street_edges[s], street_edges[s + 1], SOUTH, NORTH))
        street.save()
        w.streets.append(street)
        community_sizes = grids_per_community[community_index:community_index + len(communities)]
        row_edges = cuts(SOUTH, NORTH, community_sizes)
        for c, community_name in enumerate(communities):
            south, north = row_edges[c], row_edges[c + 1]
            community = Unit(code=f"{street.code}{c + 1:03d}", name=community_name, level=Level.COMMUNITY,
                             parent=street, boundary=rectangle(street_edges[s], street_edges[s + 1], south, north))
            community.save()
            w.communities.append(community)
            n_grids = grids_per_community[community_index]
            col_edges = cuts(street_edges[s], street_edges[s + 1], [1] * n_grids)
            short = community_name.removesuffix("社区")
            for g in range(n_grids):
                west, east = col_edges[g], col_edges[g + 1]
                grid = Unit(code=f"{community.code}{g + 1:03d}", name=f"{short}第{g + 1}网格", level=Level.GRID,
                            parent=community, boundary=rectangle(west, east, south, north))
                grid.save()
                w.grids.append(grid)
                n_micro = micro_per_grid[grid_index]
                micro_edges = cuts(south, north, [1] * n_micro)
                w.micro_grids_by_grid[grid.pk] = []
                for m in range(n_micro):
                    units.append(Unit(
                        code=f"{grid.code}{m + 1:03d}", name=f"{short}第{g + 1}网格第{m + 1}微网格",
                        level=Level.MICRO_GRID, parent=grid,
                        boundary=rectangle(west, east, micro_edges[m], micro_edges[m + 1]),
                    ))
                grid_index += 1
            community_index += 1
    for micro in Unit.objects.bulk_create(units, batch_size=500):
        builder.world.micro_grids_by_grid[micro.parent_id].append(micro)


def _id_number(builder, born):
    while True:
        first17 = f"370811{born:%Y%m%d}{builder.rng.randint(0, 999):03d}"
        number = first17 + id_check_char(first17)
        if number not in builder.world.id_numbers:
            builder.world.id_numbers.add(number)
            return number


def build_estates(builder):
    rng, w, fake = builder.rng, builder.world, builder.fake
    estates = []
    named = {k: list(v) for k, v in NAMED_ESTATES.items()}
    community_names = {c.pk: c.name for c in w.communities}
    for grid in w.grids:
        names = named.get(community_names[grid.parent_id])
        name = names.pop(0) if names else f"{rng.choice(ESTATE_PREFIX)}{rng.choice(ESTATE_WORDS)}"
        if not names and community_names[grid.parent_id] in named:
            del named[community_names[grid.parent_id]]
        estates.append(Estate(name=name if name not in {e.name for e in estates} else f"{name}{grid.code[-2:]}",
                              grid=grid, property_company=rng.choice(PROPERTY_COMPANIES),
                              address=f"{grid.name}内"))
    estates = Estate.objects.bulk_create(estates)
    buildings = []
    for estate in estates:
        micros = w.micro_grids_by_grid[estate.grid_id]
        for b in range(rng.randint(4, 6)):
            micro = micros[b % len(micros)]
            (west, south), (east, _), (_, north) = micro.boundary["coordinates"][0][:3]
            buildings.append(Building(estate=estate, micro_grid=micro, number=f"{b + 1}号楼", floors=rng.choice([6, 6, 11, 18]),
                                      lng=(west + east) / 2, lat=south + (north - south) * (0.3 + 0.1 * (b // len(micros)))))
    buildings = Building.objects.bulk_create(buildings, batch_size=1000)
    grid_of_estate = {e.pk: e.grid_id for e in estates}
    households = []
    for building in buildings:
        w.buildings_by_grid.setdefault(grid_of_estate[building.estate_id], []).append(building)
        for unit_no in (1, 2):
            for floor in (1, 2, 3):
                households.append(Household(building=building, room=f"{unit_no}-{floor}0{rng.randint(1, 2)}"))
    # Rooms drawn at random can repeat within a building; keep the first.
    seen, unique = set(), []
    for h in households:
        if (h.building_id, h.room) not in seen:
            seen.add((h.building_id, h.room))
            unique.append(h)
    households = Household.objects.bulk_create(unique, batch_size=2000)
    for h in households:
        w.households_by_building.setdefault(h.building_id, []).append(h)
    residents = []
    for h in households:
        for i in range(rng.choice([1, 2, 2, 3, 3, 4])):
            born = datetime.date(builder.today.year - rng.randint(3, 92), rng.randint(1, 12), rng.randint(1, 28))
            number = _id_number(builder, born)
            gender = "M" if int(number[16]) % 2 else "F"
            name = fake.name_male() if gender == "M" else fake.name_female()
            residents.append(Resident(household=h, name=name, gender=gender, id_number=number, birth_date=born,
                                      phone=fake.phone_number() if born.year < builder.today.year - 16 else "",
                                      is_household_head=(i == 0)))
    Resident.objects.bulk_create(residents, batch_size=2000)
