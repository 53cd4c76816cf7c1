using System.Globalization;

namespace FiniteMemory.Evaluation;

/// <summary>
/// The value pools of the synthetic generator. Every pool is disjoint from the filler texts' vocabulary, so an
/// answer's words appear only where the generator planted them (its statement, updates and passing mentions).
/// </summary>
internal static class SyntheticVocabulary
{
    public static readonly string[] UserFirstNames =
    [
        "Maya", "Daniel", "Priya", "Lukas", "Amara", "Tomasz", "Ingrid", "Rafael", "Noor", "Elliot", "Sofia", "Kenji",
        "Hannah", "Mateo", "Leila", "Oskar", "Chloe", "Idris", "Freya", "Andre", "Yara", "Felix", "Nadia", "Callum",
    ];

    public static readonly string[] UserSurnames =
    [
        "Okafor", "Lindqvist", "Moreau", "Brennan", "Castellanos", "Haddad", "Novak", "Whitfield", "Takahashi",
        "Ferreira", "Kowalczyk", "Adeyemi", "Sorensen", "Marchetti", "Delacroix", "Abernathy",
    ];

    /// <summary>People who only appear in everyday filler details (<see cref="SyntheticTopics.Details"/>); no fact uses them.</summary>
    public static readonly string[] FillerNames =
    [
        "Ravi", "Gemma", "Hugo", "Bea", "Arjun", "Lotte", "Mina", "Pablo", "Nell", "Otis", "Wren", "Zeke", "Ada", "Bruno",
        "Cleo", "Dev", "Edie", "Finn", "Gus", "Iris", "Jude", "Kit", "Lou", "Milo",
    ];

    /// <summary>
    /// A number for filler details: at least 50, never a round hundred and never a number in a car model's name, so
    /// it is never a word of a fact's value.
    /// </summary>
    public static string FillerNumber(SyntheticRandom random, int min, int max)
    {
        int n;
        do
        {
            n = random.Between(Math.Max(50, min), max);
        }
        while (n % 100 == 0 || ModelNumbers.Value.Contains(n));

        return n.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Women's names for the people in the user's life (answers: sister, daughter, neighbour …).</summary>
    public static readonly string[] FemaleNames =
    [
        "Clara", "Aisha", "Greta", "Imogen", "Farah", "Alma", "Beatrix", "Eloise", "Harriet", "Juniper", "Liesel",
        "Odile", "Rosalind", "Thea", "Vera", "Wilhelmina", "Zora", "Brigitte", "Delphine", "Fenella", "Honor", "Jolene",
        "Mirela", "Ottoline", "Rosamund", "Ysolde",
    ];

    /// <summary>Men's names for the people in the user's life (answers: brother, son …).</summary>
    public static readonly string[] MaleNames =
    [
        "Jonas", "Marco", "Tobias", "Sebastian", "Viktor", "Rohan", "Dmitri", "Gideon", "Ivo", "Kasper", "Magnus",
        "Percival", "Soren", "Ulrich", "Xavier", "Anselm", "Cosimo", "Emeric", "Gunnar", "Ignatius", "Lorcan", "Nikolai",
        "Quentin", "Tristan",
    ];

    /// <summary>Everyone's names, for people of either gender (partner, best friend, manager).</summary>
    public static readonly string[] PeopleNames = [.. FemaleNames, .. MaleNames];

    /// <summary>Names of women who only appear in distractors (a colleague, a friend of a friend); the templates say "she".</summary>
    public static readonly string[] BystanderNames =
    [
        "Keiko", "Bronwyn", "Fatima", "Ilse", "Kalinda", "Marisol", "Niamh", "Petra", "Saoirse", "Ulla", "Zofia",
        "Bettina", "Dagny", "Esme", "Gwendolyn", "Agnieszka", "Chiara", "Dorota", "Ines", "Jana", "Lucia", "Mette",
        "Oona", "Renata", "Sigrid", "Tamsin", "Valentina", "Yasmin",
    ];

    public static readonly string[] PetNames =
    [
        "Biscuit", "Pipsqueak", "Mochi", "Waffles", "Bramblewick", "Noodle", "Pickles", "Bramble", "Ziggy", "Clementine",
        "Marmalade", "Toffee", "Pretzel", "Sprocket", "Dumpling", "Nutmeg", "Rascal", "Gizmo", "Truffle", "Bagel",
        "Peanut", "Muffin", "Cinder", "Domino", "Fudge", "Hazel", "Kipper", "Lentil", "Mango", "Olive", "Pippin",
        "Quincy", "Rolo", "Sherbet", "Tiramisu", "Wasabi",
    ];

    public static readonly string[] DogBreeds =
    [
        "beagle", "spaniel", "whippet", "labrador", "dachshund", "collie", "terrier", "greyhound", "poodle", "corgi",
        "vizsla", "schnauzer",
    ];

    public static readonly string[] Surnames =
    [
        "Albescu", "Brightwater", "Carrasco", "Dunmore", "Eriksen", "Fairbairn", "Galloway", "Hollis", "Iverson",
        "Jankowski", "Kilbride", "Lachance", "Mbeki", "Nakamura", "Ostrowski", "Pemberton", "Quaid", "Rasmussen",
        "Szabo", "Thornbury", "Underhill", "Valcourt", "Wexford", "Yilmaz",
    ];

    public static readonly string[] Cities =
    [
        "Lisbon", "Porto", "Rotterdam", "Utrecht", "Gothenburg", "Malmo", "Leipzig", "Dresden", "Krakow", "Wroclaw",
        "Bologna", "Turin", "Valencia", "Seville", "Lyon", "Bordeaux", "Ghent", "Antwerp", "Edinburgh", "Glasgow",
        "Copenhagen", "Aarhus", "Tallinn", "Riga", "Ljubljana", "Zagreb", "Bilbao", "Nantes", "Hamburg", "Bristol",
        "Galway", "Cork", "Trondheim", "Bergen", "Salzburg", "Graz",
    ];

    public static readonly string[] Towns =
    [
        "Ashbourne", "Bellinzona", "Clonakilty", "Dinan", "Eyemouth", "Falmouth", "Grasmere", "Honfleur", "Ilkley",
        "Kinsale", "Ledbury", "Montreuil", "Nairn", "Oban", "Padstow", "Ribe", "Saint-Malo", "Tenby", "Whitby", "Zermatt",
        "Appenzell", "Bamberg", "Colmar", "Dingle", "Hallstatt", "Keswick",
    ];

    public static readonly string[] Regions =
    [
        "Norway", "Sicily", "Patagonia", "Iceland", "Sardinia", "Crete", "Andalusia", "Tuscany", "Provence", "Brittany",
        "Slovenia", "Montenegro", "Albania", "Japan", "Vietnam", "Morocco", "Jordan", "Portugal", "Scotland", "Madeira",
        "Tasmania", "Chile", "Peru", "Georgia", "Corsica", "Lapland", "Kyoto", "Bavaria",
    ];

    public static readonly string[] StreetNames =
    [
        "Linden", "Harbour", "Willow", "Chestnut", "Foundry", "Mariner", "Orchard", "Quarry", "Tanner", "Weaver",
        "Kingfisher", "Larkspur", "Mulberry", "Observatory", "Pilgrim", "Rope", "Saddler", "Thistle", "Vintner",
        "Whitecross", "Brewery", "Candlemaker", "Dovecote", "Ferris",
    ];

    public static readonly string[] StreetKinds = ["Street", "Road", "Lane", "Avenue"];

    public static readonly string[] Companies =
    [
        "Globex", "Initech", "Northwind", "Brightline", "Vandelay", "Kestrel", "Ardent", "Lumino", "Tessera", "Quillon",
        "Halcyon", "Meridian", "Corvid", "Pinnacle", "Solstice", "Tangent", "Verdant", "Zephyr", "Obsidian", "Paragon",
        "Stratus", "Helix", "Cobalt", "Fjordline",
    ];

    public static readonly string[] JobTitles =
    [
        "UX researcher", "product owner", "data analyst", "backend developer", "account director", "team lead",
        "QA engineer", "operations coordinator", "content strategist", "solutions architect", "payroll specialist",
        "procurement officer", "brand designer", "scrum master", "sales executive", "compliance auditor",
    ];

    public static readonly string[] Professions =
    [
        "pharmacist", "midwife", "architect", "sommelier", "paramedic", "translator", "veterinarian", "surveyor",
        "radiographer", "locksmith", "cartographer", "anaesthetist", "firefighter", "glassblower", "actuary",
    ];

    public static readonly string[] Allergens =
    [
        "shellfish", "sesame", "kiwi", "penicillin", "walnuts", "latex", "strawberries", "celery", "mustard",
        "hazelnuts", "peanuts", "lupin", "wasps", "ragweed",
    ];

    public static readonly string[] Diets = ["vegetarian", "vegan", "pescatarian", "flexitarian", "keto", "paleo"];

    public static readonly string[] CarModels =
    [
        "Skoda Octavia", "Volvo V60", "Toyota Yaris", "Renault Clio", "Mazda CX-30", "Kia Niro", "Peugeot 308",
        "Fiat Panda", "Hyundai Kona", "Subaru Forester", "Citroen Berlingo", "Nissan Leaf", "Dacia Duster",
        "Honda Jazz", "Seat Ibiza", "Opel Astra",
    ];

    public static readonly string[] BookTitles =
    [
        "The Salt Orchard", "A Map of Small Rains", "The Lighthouse Accountant", "Winter in Marrowby",
        "The Glass Cartographer", "Letters to the Tide", "The Quiet Archivist", "Harvest of Crows",
        "The Ninth Lantern", "Songs for a Paper Moon", "The Clockmaker's Daughter", "Under the Copper Sky",
        "The Orchid Ledger", "A Thousand Borrowed Summers", "The Ferryman's Almanac", "Bright Fields of Ash",
    ];

    public static readonly string[] FilmTitles =
    [
        "Midnight at the Aquarium", "The Last Tram to Vellamo", "Paper Kingdoms", "Northbound Strangers",
        "The Velvet Heist", "Echoes of Saltmarsh", "A Kite for Augustin", "The Cartographer's Wager",
        "Dust and Dandelions", "Operation Nightingale Blue", "The Porcelain Detective", "Harbour Lights Burning",
        "Summer of the Tin Robot", "The Owl Who Counted Stars",
    ];

    public static readonly string[] Dishes =
    [
        "shakshuka", "mac and cheese", "chicken katsu curry", "mushroom risotto", "pho", "bibimbap", "lasagne",
        "dal makhani", "pierogi", "ramen", "moussaka", "paella", "gnocchi", "jambalaya", "goulash", "tartiflette",
        "laksa", "bobotie",
    ];

    public static readonly string[] Bands =
    [
        "The Velvet Antelopes", "Paper Lanterns Club", "Nightjar Avenue", "The Midnight Ferns", "Copper Harbour",
        "Static Orchard", "The Lemon Trawlers", "Glass Otter Choir", "Neon Heron", "The Brass Foxes",
        "Saltwater Radio", "Moth and Lantern",
    ];

    public static readonly string[] Instruments =
    [
        "cello", "ukulele", "banjo", "saxophone", "clarinet", "harp", "accordion", "trumpet", "mandolin", "oboe",
        "bassoon", "theremin",
    ];

    public static readonly string[] Languages =
    [
        "Portuguese", "Japanese", "Korean", "Finnish", "Hungarian", "Greek", "Turkish", "Polish", "Swahili", "Dutch",
        "Mandarin", "Icelandic", "Welsh", "Arabic",
    ];

    public static readonly string[] Teams =
    [
        "Riverside Rovers", "Ashford Albion", "Kingsbridge Town", "Marlow Athletic", "Eastbrook Wanderers",
        "Harrowgate United", "Millbrook Rangers", "Pendleton Celtic", "Redcliffe Vale", "Southmoor Harriers",
    ];

    public static readonly string[] Cafes =
    [
        "Lumen", "Grindhouse", "Foxglove", "Honeycomb", "Marzipan", "Kettlebird", "Brewlab", "Beanstalk", "Mugshot",
        "Steamworks", "Percolate", "Tamperhaus", "Drip Theory", "Roastwell",
    ];

    public static readonly string[] Codenames =
    [
        "Bluejay", "Falcon", "Manatee", "Nebula", "Pelican", "Quasar", "Sundial", "Tortoise", "Ultraviolet", "Vortex",
        "Walrus", "Yeti", "Anchovy", "Basilisk", "Cormorant", "Dragonfly", "Emberglow", "Firefly", "Gondola",
    ];

    public static readonly string[] Schools =
    [
        "Hillcrest Primary", "Oakfield Primary", "Brookside Primary", "St Aldhelm's", "Meadowbank Primary",
        "Larchwood Primary", "Fernhill Primary", "Rivermead Primary", "Ashgrove Primary", "Cedarwood Primary",
    ];

    public static readonly string[] Clubs =
    [
        "fencing", "robotics", "debating", "archery", "astronomy", "orienteering", "sailing", "origami", "juggling",
        "beekeeping", "calligraphy", "kayaking",
    ];

    public static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    public static readonly string[] Months =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ];

    /// <summary>
    /// Words several values may share without one answer's words turning up in another value's turns: months,
    /// units, street kinds, and the quarter-hour minutes (days and hours never take those numbers).
    /// </summary>
    public static readonly HashSet<string> SharedWords = new(
        [.. Months.Select(static m => m.ToLowerInvariant()), "euros", "km", "street", "road", "lane", "avenue", "primary",
         "00", "15", "30", "45", "the", "of"],
        StringComparer.Ordinal);

    // Numbers that car model names contain ("Peugeot 308"), computed once from the pool.
    private static readonly Lazy<HashSet<int>> ModelNumbers = new(static () =>
        [.. CarModels.SelectMany(static m => m.Split(' ', '-')).Where(static w => w.All(char.IsAsciiDigit)).Select(static w => int.Parse(w, CultureInfo.InvariantCulture))]);

    public static string Street(SyntheticRandom random) => random.Pick(StreetNames) + " " + random.Pick(StreetKinds);

    /// <summary>"June 12": days 1–28, never 15 (a shared minute word).</summary>
    public static string Date(SyntheticRandom random)
    {
        int day;
        do
        {
            day = random.Between(1, 28);
        }
        while (day == 15);

        return random.Pick(Months) + " " + day.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>"14:45": hours 8–19 (never 15), quarter hours.</summary>
    public static string Time(SyntheticRandom random)
    {
        int hour;
        do
        {
            hour = random.Between(8, 19);
        }
        while (hour == 15);

        return hour.ToString(CultureInfo.InvariantCulture) + ":" + random.Pick(["00", "15", "30", "45"]);
    }

    public static string Appointment(SyntheticRandom random) => Date(random) + " at " + Time(random);

    public static string Apartment(SyntheticRandom random) =>
        random.Between(2, 48).ToString(CultureInfo.InvariantCulture) + (char)('A' + random.Next(6));

    public static string Flight(SyntheticRandom random) =>
        random.Pick(["TP", "LH", "KL", "SK", "IB", "AZ", "EI", "LX", "OS", "AY"]) + random.Between(1020, 9870).ToString(CultureInfo.InvariantCulture);

    /// <summary>"KL58 ZRT"; consonants only, so the letters never spell a word.</summary>
    public static string Plate(SyntheticRandom random)
    {
        const string Letters = "BCDFGHJKLMNPRSTVWXZ";
        Span<char> plate = stackalloc char[8];
        plate[0] = Letters[random.Next(Letters.Length)];
        plate[1] = Letters[random.Next(Letters.Length)];
        plate[2] = (char)('0' + random.Between(1, 9));
        plate[3] = (char)('0' + random.Next(10));
        plate[4] = ' ';
        plate[5] = Letters[random.Next(Letters.Length)];
        plate[6] = Letters[random.Next(Letters.Length)];
        plate[7] = Letters[random.Next(Letters.Length)];
        return new string(plate);
    }

    /// <summary>"14,500 euros".</summary>
    public static string Budget(SyntheticRandom random) =>
        random.Between(6, 48).ToString(CultureInfo.InvariantCulture) + "," + random.Between(1, 9).ToString(CultureInfo.InvariantCulture) + "00 euros";

    /// <summary>A child's age, 3–14.</summary>
    public static string Age(SyntheticRandom random) => random.Between(3, 14).ToString(CultureInfo.InvariantCulture);

    /// <summary>"12 km": 4–24 km, never 15.</summary>
    public static string Distance(SyntheticRandom random)
    {
        int km;
        do
        {
            km = random.Between(4, 24);
        }
        while (km == 15);

        return km.ToString(CultureInfo.InvariantCulture) + " km";
    }
}
