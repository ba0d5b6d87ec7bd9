package dev.vigil.nfa.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** GEO_DISTANCE against known distances (haversine on the mean Earth radius, 6371.0088 km). */
class GeoDistanceTest {
    private static final double HALF_CIRCUMFERENCE_KM = Math.PI * MathFunctions.EARTH_RADIUS_KM;

    @Test
    void parisToLondonIsAbout343Km() {
        assertEquals(343.5, distance(48.8566, 2.3522, 51.5074, -0.1278), 0.1);
    }

    @Test
    void newYorkToLosAngelesIsAbout3936Km() {
        assertEquals(3935.8, distance(40.7128, -74.0060, 34.0522, -118.2437), 0.1);
    }

    @Test
    void sydneyToMelbourneIsAbout713Km() {
        assertEquals(713.4, distance(-33.8688, 151.2093, -37.8136, 144.9631), 0.1);
    }

    @Test
    void pointsOppositeOnTheEquatorAreHalfACircumferenceApart() {
        assertEquals(HALF_CIRCUMFERENCE_KM, distance(0, 0, 0, 180), 1e-6);
        assertEquals(20015.1, HALF_CIRCUMFERENCE_KM, 0.1);
    }

    @Test
    void poleToPoleIsHalfACircumference() {
        assertEquals(HALF_CIRCUMFERENCE_KM, distance(90, 0, -90, 0), 1e-6);
    }

    @Test
    void aQuarterOfTheEquatorIsAQuarterCircumference() {
        assertEquals(HALF_CIRCUMFERENCE_KM / 2, distance(0, 0, 0, 90), 1e-6);
    }

    @Test
    void longitudesWrapAroundTheAntimeridian() {
        assertEquals(distance(0, 0, 0, 2), distance(0, 179, 0, -179), 1e-9);
        assertEquals(222.39, distance(0, 179, 0, -179), 0.01);
    }

    @Test
    void distanceIsSymmetric() {
        assertEquals(distance(48.8566, 2.3522, 51.5074, -0.1278), distance(51.5074, -0.1278, 48.8566, 2.3522), 1e-9);
    }

    @Test
    void nearbyPointsKeepTheirPrecision() {
        // 0.001 degree of latitude is 111.2 m everywhere.
        assertEquals(0.1112, distance(45.0, 7.0, 45.001, 7.0), 0.0001);
    }

    @Test
    void integerCoordinatesFromJsonWork() {
        Object km = Fixtures.COMPILER.value(ExprText.parse("GEO_DISTANCE(lat, lon, 0, 0)")).evaluate(
                Fixtures.event("s", 0, Fixtures.fields("lat", 0, "lon", 90)), MatchView.EMPTY);
        assertEquals(HALF_CIRCUMFERENCE_KM / 2, (Double) km, 1e-6);
    }

    private static double distance(double lat1, double lon1, double lat2, double lon2) {
        return (Double) MathFunctions.geoDistance(lat1, lon1, lat2, lon2);
    }
}
